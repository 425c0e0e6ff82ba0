package com.cloutsy.redis.autoconfigure;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.cache.CachePolicy;
import com.cloutsy.redis.cache.RedisCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * Spring's cache abstraction on cloutsy-redis: every {@code @Cacheable} cache is a view of one {@link RedisCache}
 * named {@code spring}, so it gets graceful degradation, single flight, early refresh and, when configured, the near
 * cache. Caches are created on first use under any name; each has the TTL {@code cloutsy.redis.cache.ttls.<name>}
 * or the policy's default. Values are JSON carrying their class (see {@link TypedJsonCodec}), read back only for
 * classes of the allowed packages.
 *
 * <p>One connection for all caches (two with a near cache), closed by {@link #close()}. The meters
 * ({@code cloutsy.redis.cache.*}) carry {@code cache=spring} for all of them. Thread-safe.
 */
public final class CloutsyCacheManager implements CacheManager, AutoCloseable {

  /** The {@link RedisCache} name, which the meters carry. */
  public static final String CACHE_NAME = "spring";

  private final RedisService redis;
  private final RedisCache cache;
  private final Map<String, Duration> ttls;
  private final ConcurrentMap<String, RedisSpringCache> caches = new ConcurrentHashMap<>();

  private CloutsyCacheManager(RedisService redis, RedisCache cache, Map<String, Duration> ttls) {
    this.redis = redis;
    this.cache = cache;
    this.ttls = Collections.unmodifiableMap(new LinkedHashMap<>(ttls));
  }

  /**
   * A manager on a started service.
   *
   * @param redis the service the entries are stored on
   * @param policy the caches' policy; its codec is replaced by the typed JSON codec
   * @param ttls TTLs by cache name; others get the policy's default TTL
   * @param allowedPackages packages, besides java.util, java.time, java.lang and java.math, whose classes may be
   *     cached
   * @throws IllegalArgumentException if a cache name cannot be part of a key or a TTL is under 1 ms
   */
  public static CloutsyCacheManager create(RedisService redis, CachePolicy policy, Map<String, Duration> ttls,
      List<String> allowedPackages) {
    ttls.forEach((name, ttl) -> {
      redis.keyNames().cachePrefix(name);
      if (ttl.toMillis() < 1) {
        throw new IllegalArgumentException("ttl of cache '" + name + "' must be at least 1 ms, was " + ttl);
      }
    });
    List<String> packages = new ArrayList<>(TypedJsonCodec.JDK_PACKAGES);
    packages.addAll(allowedPackages);
    RedisCache cache = RedisCache.create(redis, CACHE_NAME, policy.withCodec(new TypedJsonCodec(packages)));
    return new CloutsyCacheManager(redis, cache, ttls);
  }

  /**
   * The cache of this name, created on first use.
   *
   * @throws IllegalArgumentException if the name is empty or too long for a key
   */
  @Override
  public Cache getCache(String name) {
    return caches.computeIfAbsent(name, created -> new RedisSpringCache(created, cache, redis.keyNames(),
        ttls.getOrDefault(created, cache.policy().defaultTtl())));
  }

  /** The names of the caches with a configured TTL and of those used so far. */
  @Override
  public Collection<String> getCacheNames() {
    Set<String> names = new LinkedHashSet<>(ttls.keySet());
    names.addAll(caches.keySet());
    return Collections.unmodifiableSet(names);
  }

  /** The {@link RedisCache} that holds every cache's entries. */
  public RedisCache redisCache() {
    return cache;
  }

  /** Closes the caches' connection; the service stays open. Idempotent. */
  @Override
  public void close() {
    cache.close();
  }

  @Override
  public String toString() {
    return "CloutsyCacheManager[" + getCacheNames() + ", " + cache + "]";
  }
}
