package com.cloutsy.redis.bench;

import com.cloutsy.redis.cache.CachePolicy;
import com.cloutsy.redis.cache.RedisCache;
import com.cloutsy.redis.keys.Keys;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.options.LocalCachedMapOptions;
import org.springframework.cache.Cache;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.serializer.JacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext;

/**
 * Cache reads that hit, of 1,000 user profiles (about 150 bytes of JSON each), every library holding the same values:
 * this project's {@link RedisCache} answered by Redis (one GET), both as {@link RedisCache#getOrLoad} (decoded on the
 * caller's thread) and as {@link RedisCache#getOrLoadAsync} (decoded on the cache's executor), its near cache
 * ({@code getOrLoad} answered from process memory, kept correct by RESP3 client tracking), Redisson's
 * {@code RLocalCachedMap.get} answered from its local cache, and Spring Data Redis's {@code RedisCacheManager} cache
 * {@code get} (one GET, JSON of the value's type, as this project's codec). Blocking calls run a thread per caller.
 * No loader is ever called by the hit rows: a miss there counts as a failure. One more row measures a miss that
 * loads and stores.
 */
final class CacheScenarios implements AutoCloseable {

  static final String GROUP = "Cache read";
  static final String REDIS_HIT_ASYNC = "cloutsy getOrLoadAsync, Redis hit";
  static final String REDIS_HIT = "cloutsy getOrLoad, Redis hit";
  static final String NEAR_HIT = "cloutsy getOrLoad, near-cache hit";
  static final String REDISSON = "Redisson RLocalCachedMap.get";
  static final String SPRING = "Spring RedisCache.get";
  static final String MISS = "cloutsy getOrLoad, miss and load";
  static final String NOTE = "Reads of 1,000 user profiles (about 150 bytes of JSON each) that are all cached; no"
      + " loader ever runs. The two Redis hits of this project differ only in their form: getOrLoadAsync decodes a"
      + " small entry on the thread that completes its read, getOrLoad on the caller's thread. The miss row reads a"
      + " key never cached, calls a loader that answers at once and stores its value: the cache's own cost of a"
      + " miss (GET, then SET), without a database. Bytes: per cached entry, over 1,000 entries.";

  private static final int ENTRIES = 1_000;
  private static final int SAMPLE_FIRST_ID = 100_001;
  private static final Duration TTL = Duration.ofHours(1);
  private static final String NAME = "profiles";
  // Missed keys are written once each; a short life keeps a long run from filling the server.
  private static final Duration MISS_TTL = Duration.ofSeconds(10);

  /** A cached value: a record, immutable, as near caches need. */
  record Profile(long id, String name, String email, String city, List<String> niches, long followers)
      implements Serializable {

    private static final long serialVersionUID = 1L;

    static Profile of(long id) {
      return new Profile(id, "Dana Whitfield", "dana.whitfield." + id + "@example.com", "Austin",
          List.of("fitness", "travel", "food"), 48_213 + id);
    }
  }

  private final Keys keys;
  private final RedisCache remote;
  private final RedisCache near;
  private final RLocalCachedMap<String, Profile> redisson;
  private final RLocalCachedMap<String, Profile> redissonSample;
  private final Cache spring;
  private final AtomicLong misses = new AtomicLong();

  CacheScenarios(Clients clients) {
    this.keys = clients.redis().keyNames();
    this.remote = RedisCache.create(clients.redis(), NAME, CachePolicy.of(TTL));
    // Entries stay in memory for the whole run: the near cache is measured, not its refills.
    this.near = RedisCache.create(clients.redis(), NAME + "-near", CachePolicy.of(TTL).withNearCache(10_000, TTL));
    this.redisson = clients.redisson().getLocalCachedMap(
        LocalCachedMapOptions.<String, Profile>name(NAME).cacheSize(10_000));
    this.redissonSample = clients.redisson().getLocalCachedMap(
        LocalCachedMapOptions.<String, Profile>name(NAME + "-sample").cacheSize(10_000));
    RedisCacheManager manager = RedisCacheManager.builder(clients.spring())
        .cacheDefaults(RedisCacheConfiguration.defaultCacheConfig().entryTtl(TTL)
            .serializeValuesWith(RedisSerializationContext.SerializationPair.fromSerializer(
                new JacksonJsonRedisSerializer<>(Profile.class))))
        .build();
    manager.afterPropertiesSet();
    this.spring = Objects.requireNonNull(manager.getCache(NAME), "RedisCacheManager creates caches on request");
    fill();
  }

  private void fill() {
    List<CompletableFuture<Void>> written = new ArrayList<>();
    for (int id = 1; id <= ENTRIES; id++) {
      Profile profile = Profile.of(id);
      written.add(remote.putAsync(key(id), profile, TTL).toCompletableFuture());
      redisson.fastPut(Integer.toString(id), profile);
      spring.put(Integer.toString(id), profile);
    }
    CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).join();
    for (int id = 1; id <= ENTRIES; id++) {
      near.getOrLoad(key(id), TTL, Profile.class, CacheScenarios::neverLoaded);
      redisson.get(Integer.toString(id));
    }
  }

  List<Scenario> scenarios() {
    String[] ids = new String[ENTRIES];
    String[] cacheKeys = new String[ENTRIES];
    for (int i = 0; i < ENTRIES; i++) {
      ids[i] = Integer.toString(i + 1);
      cacheKeys[i] = key(i + 1);
    }
    Supplier<CompletionStage<Profile>> noLoad = () -> CompletableFuture.failedFuture(
        new IllegalStateException("a cached value was not found: the loader ran"));
    String threads = "blocking, a thread per caller";
    return List.of(
        new Scenario(GROUP, REDIS_HIT_ASYNC, Scenario.Role.OURS,
            new Scenario.Load.Async(() -> remote.getOrLoadAsync(RateLimitScenarios.pick(cacheKeys), TTL,
                Profile.class, noLoad)),
            "`RedisCache.getOrLoadAsync` without near cache: one GET on the cache's own connection, the reply (under"
                + " 1 KiB) decoded where the read completes; async, in flight",
            null),
        new Scenario(GROUP, REDIS_HIT, Scenario.Role.OURS_AND_REFERENCE,
            new Scenario.Load.Blocking(() -> remote.getOrLoad(RateLimitScenarios.pick(cacheKeys), TTL,
                Profile.class, CacheScenarios::neverLoaded)),
            "`RedisCache.getOrLoad` without near cache: one GET on the cache's own connection, decoded on the"
                + " caller's thread; " + threads,
            Scenario.Memory.of("entry", steps -> {
              List<String> written = new ArrayList<>();
              for (int id = SAMPLE_FIRST_ID; id < SAMPLE_FIRST_ID + ENTRIES; id++) {
                remote.put(key(id), Profile.of(id), TTL);
                written.add(key(id));
              }
              return new Scenario.Sample(written, ENTRIES);
            })),
        new Scenario(GROUP, NEAR_HIT, Scenario.Role.OURS,
            new Scenario.Load.Blocking(() -> near.getOrLoad(RateLimitScenarios.pick(cacheKeys), TTL, Profile.class,
                CacheScenarios::neverLoaded)),
            "`RedisCache.getOrLoad` with a near cache of 10,000 entries, every entry in memory; " + threads, null),
        new Scenario(GROUP, MISS, Scenario.Role.OURS,
            new Scenario.Load.Blocking(() -> {
              long id = misses.incrementAndGet();
              remote.getOrLoad(keys.cache(NAME + "-miss", Long.toString(id)), MISS_TTL, Profile.class,
                  () -> Profile.of(id));
            }),
            "`RedisCache.getOrLoad` of a key never cached: a GET that misses, the loader (which answers at once),"
                + " a SET of the value with a 10 s TTL; " + threads, null),
        new Scenario(GROUP, REDISSON, Scenario.Role.PEER,
            new Scenario.Load.Blocking(() -> {
              if (redisson.get(RateLimitScenarios.pick(ids)) == null) {
                throw new IllegalStateException("a cached value was not found");
              }
            }),
            "`RLocalCachedMap.get` (defaults: invalidation by pub/sub, its Kryo codec), every entry in its local"
                + " cache; " + threads,
            Scenario.Memory.of("entry", steps -> {
              for (int id = SAMPLE_FIRST_ID; id < SAMPLE_FIRST_ID + ENTRIES; id++) {
                redissonSample.fastPut(Integer.toString(id), Profile.of(id));
              }
              return new Scenario.Sample(List.of(redissonSample.getName()), ENTRIES);
            })),
        new Scenario(GROUP, SPRING, Scenario.Role.PEER,
            new Scenario.Load.Blocking(() -> {
              if (spring.get(RateLimitScenarios.pick(ids), Profile.class) == null) {
                throw new IllegalStateException("a cached value was not found");
              }
            }),
            "`Cache.get(key, type)` of a `RedisCacheManager` cache (JSON of the value's type), " + threads
                + " on Spring Data Redis's shared Lettuce connection",
            Scenario.Memory.of("entry", steps -> {
              List<String> written = new ArrayList<>();
              for (int id = SAMPLE_FIRST_ID; id < SAMPLE_FIRST_ID + ENTRIES; id++) {
                spring.put(Integer.toString(id), Profile.of(id));
                written.add(NAME + "::" + id);
              }
              return new Scenario.Sample(written, ENTRIES);
            })));
  }

  private String key(long id) {
    return keys.cache(NAME, Long.toString(id));
  }

  private static Profile neverLoaded() {
    throw new IllegalStateException("a cached value was not found: the loader ran");
  }

  @Override
  public void close() {
    redisson.destroy();
    redissonSample.destroy();
    near.close();
    remote.close();
  }
}
