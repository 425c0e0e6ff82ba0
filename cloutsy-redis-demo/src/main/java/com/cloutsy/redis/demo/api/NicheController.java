package com.cloutsy.redis.demo.api;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.autoconfigure.web.RateLimited;
import com.cloutsy.redis.cache.RedisCache;
import com.cloutsy.redis.demo.DemoProperties;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.type.TypeReference;

/**
 * {@code GET /api/niches}: the niche list, cache-aside through the starter's {@link RedisCache} in front of the
 * slow {@link NicheCatalog}. {@code X-Cache: MISS} when this request ran the query, {@code HIT} when Redis had the
 * list. While Redis is down the cache degrades to the query, so the route keeps answering (always MISS).
 */
@RestController
class NicheController {

  private static final TypeReference<List<NicheCatalog.Niche>> NICHE_LIST = new TypeReference<>() {};

  private final RedisCache cache;
  private final NicheCatalog catalog;
  private final String key;
  private final Duration ttl;

  NicheController(RedisCache cache, NicheCatalog catalog, RedisService redis, DemoProperties properties) {
    this.cache = cache;
    this.catalog = catalog;
    this.key = cacheKey(redis);
    this.ttl = properties.niches().cacheTtl();
  }

  /** The key the niche list is cached under. */
  static String cacheKey(RedisService redis) {
    return redis.keyNames().cache("niches", "all");
  }

  @GetMapping("/api/niches")
  @RateLimited(name = "niches", limit = 30, window = "1m")
  ResponseEntity<List<NicheCatalog.Niche>> niches() {
    AtomicBoolean queried = new AtomicBoolean();
    List<NicheCatalog.Niche> niches = cache.getOrLoad(key, ttl, NICHE_LIST, () -> {
      queried.set(true);
      return catalog.query();
    });
    return ResponseEntity.ok().header("X-Cache", queried.get() ? "MISS" : "HIT").body(niches);
  }
}
