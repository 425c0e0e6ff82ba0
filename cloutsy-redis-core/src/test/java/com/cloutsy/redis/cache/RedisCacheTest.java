package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisMatrix;
import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.keys.KeyLayout;
import com.cloutsy.redis.keys.Keys;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.type.TypeReference;

/** The cache-aside contract against a real server, in both key layouts; on the shared cluster, its layout only. */
@RunsAs(LeastPrivilege.CACHE)
@RedisMatrix(layouts = {KeyLayout.SEED, KeyLayout.CLUSTER}, topologies = {Topology.SINGLE, Topology.CLUSTER})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisCacheTest {

  record User(String id, String name, List<String> tags) {}

  private static final RedisCodec<String, byte[]> BYTES = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
  private static final Duration TTL = Duration.ofMinutes(5);

  /** This invocation's layout, which {@link #start} receives before any test runs. */
  private KeyLayout layout;

  private RedisService redis;
  private RedisCache cache;
  private Keys keys;
  private StatefulConnection<String, byte[]> rawConnection;
  private RedisClusterCommands<String, byte[]> raw;

  @RedisMatrix.BeforeInvocation
  void start(KeyLayout invocationLayout, RedisEndpoint endpoint) {
    layout = invocationLayout;
    redis = TestRedis.start(endpoint, invocationLayout);
    cache = RedisCache.create(redis, "users", CachePolicy.of(TTL));
    keys = redis.keyNames();
    if (redis.isCluster()) {
      StatefulRedisClusterConnection<String, byte[]> cluster = TestRedis.admin(redis).clusterClient().connect(BYTES);
      rawConnection = cluster;
      raw = cluster.sync();
    } else {
      RedisService admin = TestRedis.admin(redis);
      StatefulRedisConnection<String, byte[]> single = admin.client().connect(BYTES, admin.redisUri());
      rawConnection = single;
      raw = single.sync();
    }
  }

  @RedisMatrix.AfterInvocation
  void close() {
    rawConnection.close();
    cache.close();
    redis.close();
  }

  private String freshKey() {
    return keys.cache("users", UUID.randomUUID().toString());
  }

  private long count(String name, String... tags) {
    String[] all = Stream.concat(Stream.of("cache", "users"), Stream.of(tags)).toArray(String[]::new);
    return redis.runtime().counters().counter("cloutsy.redis.cache." + name, all).count();
  }

  private long gets(String result) {
    return count("gets", "result", result);
  }

  @Test
  void aMissCallsTheLoaderStoresTheValueAndTheNextCallIsAHitOfOneGet() {
    String key = freshKey();
    User alice = new User("1", "Alice", List.of("admin"));
    AtomicInteger loads = new AtomicInteger();
    long hits = gets("hit");
    long misses = gets("miss");

    User first = cache.getOrLoad(key, TTL, User.class, () -> {
      loads.incrementAndGet();
      return alice;
    });
    User second = cache.getOrLoad(key, TTL, User.class, () -> {
      loads.incrementAndGet();
      return new User("1", "changed", List.of());
    });

    assertThat(first).isEqualTo(alice);
    assertThat(second).isEqualTo(alice).isNotSameAs(alice);
    assertThat(loads).hasValue(1);
    assertThat(gets("miss") - misses).isEqualTo(1);
    assertThat(gets("hit") - hits).isEqualTo(1);
    assertThat(raw.pttl(key)).as("TTL less at most 10 % jitter")
        .isBetween(TTL.toMillis() * 9 / 10 - 1_000, TTL.toMillis());
  }

  @Test
  void anEmptyStringAndAnEmptyListAreValuesNotMisses() {
    String emptyText = freshKey();
    String emptyList = freshKey();
    AtomicInteger loads = new AtomicInteger();

    for (int i = 0; i < 3; i++) {
      assertThat(cache.getOrLoad(emptyText, TTL, String.class, () -> {
        loads.incrementAndGet();
        return "";
      })).isEmpty();
      assertThat(cache.getOrLoad(emptyList, TTL, new TypeReference<List<User>>() {}, () -> {
        loads.incrementAndGet();
        return List.of();
      })).isEmpty();
    }

    assertThat(loads).as("regression of the seed's if (cached) bug: loaded once each").hasValue(2);
    assertThat(cache.get(emptyText, String.class)).isEqualTo(new CacheLookup.Hit<>(""));
  }

  @Test
  void notFoundIsCachedForTheNegativeTtlAndIsNotAMiss() {
    String key = freshKey();
    AtomicInteger loads = new AtomicInteger();
    long negativeHits = gets("negative_hit");

    for (int i = 0; i < 5; i++) {
      assertThat(cache.getOrLoad(key, TTL, User.class, () -> {
        loads.incrementAndGet();
        return null;
      })).isNull();
    }

    assertThat(loads).hasValue(1);
    assertThat(gets("negative_hit") - negativeHits).isEqualTo(4);
    assertThat(cache.get(key, User.class)).isInstanceOf(CacheLookup.NotFound.class);
    assertThat(raw.pttl(key)).isBetween(1L, CachePolicy.DEFAULT_NEGATIVE_TTL.toMillis());
  }

  @Test
  void negativeCachingCanBeTurnedOff() {
    try (RedisCache noNegatives = RedisCache.create(redis, "users",
        CachePolicy.of(TTL).withNegativeTtl(Duration.ZERO))) {
      String key = freshKey();
      AtomicInteger loads = new AtomicInteger();

      for (int i = 0; i < 3; i++) {
        noNegatives.getOrLoad(key, TTL, User.class, () -> {
          loads.incrementAndGet();
          return null;
        });
      }

      assertThat(loads).hasValue(3);
      assertThat(redis.exists(key)).isZero();
    }
  }

  @Test
  void genericTypesRoundTripThroughATypeReference() {
    String key = freshKey();
    List<User> users = List.of(new User("1", "a", List.of("x")), new User("2", "b", List.of()));

    cache.getOrLoad(key, TTL, new TypeReference<List<User>>() {}, () -> users);

    assertThat(cache.get(key, new TypeReference<List<User>>() {})).isEqualTo(new CacheLookup.Hit<>(users));
  }

  @Test
  void getPutAndInvalidate() {
    String key = freshKey();
    User bob = new User("2", "Bob", List.of());

    assertThat(cache.get(key, User.class)).isEqualTo(new CacheLookup.Miss<>());
    cache.put(key, bob);
    assertThat(cache.get(key, User.class)).isEqualTo(new CacheLookup.Hit<>(bob));
    assertThat(cache.get(key, User.class).orNull()).isEqualTo(bob);
    assertThat(raw.pttl(key)).isBetween(TTL.toMillis() * 9 / 10 - 1_000, TTL.toMillis());

    assertThat(cache.invalidate(key)).isTrue();
    assertThat(cache.invalidate(key)).isFalse();
    assertThat(cache.get(key, User.class)).isEqualTo(new CacheLookup.Miss<>());
  }

  @Test
  void ttlJitterSpreadsExpiriesBelowTheRequestedTtl() {
    Duration ttl = Duration.ofSeconds(100);
    try (RedisCache jittery = RedisCache.create(redis, "users", CachePolicy.of(ttl).withTtlJitterPercent(20))) {
      Set<Long> ttls = new HashSet<>();
      for (int i = 0; i < 100; i++) {
        String key = freshKey();
        jittery.put(key, "v");
        ttls.add(raw.pttl(key));
      }

      assertThat(ttls).allSatisfy(left -> assertThat(left).isBetween(79_000L, 100_000L));
      assertThat(ttls).as("100 keys written together get many different expiries").hasSizeGreaterThan(50);
    }
  }

  @Test
  void aOneMebibyteValueRoundTripsCompressed() {
    String key = freshKey();
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < 1 << 20; i++) {
      text.append("row ").append(i).append(": influencer niche statistics; ");
    }
    User big = new User("big", text.toString(), List.of());

    cache.getOrLoad(key, TTL, User.class, () -> big);

    byte[] stored = raw.get(key);
    assertThat(stored[0]).as("compressed format").isEqualTo(Envelope.COMPRESSED);
    assertThat(stored.length).isLessThan(big.name().length() / 4);
    assertThat(cache.get(key, User.class)).isEqualTo(new CacheLookup.Hit<>(big));
  }

  @Test
  void aSmallValueIsStoredUncompressed() {
    String key = freshKey();

    cache.put(key, "short");

    assertThat(raw.get(key)[0]).isEqualTo(Envelope.VALUE);
  }

  static Stream<Arguments> corruptEntries() {
    byte[] valid = Envelope.value("{\"id\":\"1\",\"name\":\"x\",\"tags\":[]}".getBytes(StandardCharsets.UTF_8), 1024,
        0, System.currentTimeMillis() + 60_000);
    byte[] compressed = Envelope.value(("\"" + "y".repeat(4000) + "\"").getBytes(StandardCharsets.UTF_8), 10, 0,
        System.currentTimeMillis() + 60_000);
    compressed[compressed.length - 5] ^= 0x33;
    return Stream.of(
        Arguments.of("garbage text", "not json at all".getBytes(StandardCharsets.UTF_8)),
        Arguments.of("unknown format byte", new byte[] {9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}),
        Arguments.of("header cut short", new byte[] {0, 0, 0}),
        Arguments.of("damaged compressed stream", compressed),
        Arguments.of("valid JSON of another shape", "[1,2,3]".getBytes(StandardCharsets.UTF_8)),
        Arguments.of("a valid entry cut in half", java.util.Arrays.copyOf(valid, valid.length / 2)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corruptEntries")
  void aCorruptEntryIsAMissThatIsDeletedAndCountedNeverThrown(String what, byte[] bytes) {
    String key = freshKey();
    raw.set(key, bytes);
    long corrupt = count("corrupt");
    User fresh = new User("1", "fresh", List.of());

    assertThat(cache.get(key, User.class)).isEqualTo(new CacheLookup.Miss<>());
    assertThat(count("corrupt") - corrupt).isEqualTo(1);
    await("deleted").atMost(Duration.ofSeconds(2)).until(() -> redis.exists(key) == 0);

    raw.set(key, bytes);
    assertThat(cache.getOrLoad(key, TTL, User.class, () -> fresh)).isEqualTo(fresh);
    assertThat(count("corrupt") - corrupt).isEqualTo(2);
    assertThat(cache.get(key, User.class)).as("replaced by the loaded value").isEqualTo(new CacheLookup.Hit<>(fresh));
  }

  @Test
  void jsonThatTheSeedServiceWroteIsReadAsAHit() {
    String key = keys.cache("niches", "active");
    redis.set(key, "[{\"id\":\"1\",\"name\":\"tech\",\"tags\":[\"ai\"]}]", Duration.ofMinutes(1));

    List<User> niches = cache.getOrLoad(key, TTL, new TypeReference<List<User>>() {}, () -> {
      throw new AssertionError("the seed's entry is a hit");
    });

    assertThat(niches).containsExactly(new User("1", "tech", List.of("ai")));
  }

  @Test
  void concurrentMissesOfOneKeyRunTheLoaderOnce() throws Exception {
    String key = freshKey();
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService callers = Executors.newFixedThreadPool(100);
    try {
      List<Future<User>> results = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        results.add(callers.submit(() -> {
          start.await();
          return cache.getOrLoad(key, TTL, User.class, () -> {
            loads.incrementAndGet();
            sleep(Duration.ofMillis(200));
            return new User("1", "loaded once", List.of());
          });
        }));
      }
      start.countDown();

      for (Future<User> result : results) {
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(new User("1", "loaded once", List.of()));
      }
      assertThat(loads).hasValue(1);
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void concurrentAsynchronousMissesOfOneKeyRunTheLoaderOnce() {
    String key = freshKey();
    AtomicInteger loads = new AtomicInteger();
    CompletableFuture<String> database = new CompletableFuture<>();

    List<CompletableFuture<String>> results = IntStream.range(0, 100).parallel()
        .mapToObj(i -> cache.getOrLoadAsync(key, TTL, String.class, () -> {
          loads.incrementAndGet();
          return database;
        }).toCompletableFuture())
        .toList();
    database.completeAsync(() -> "loaded once", CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));

    assertThat(results).allSatisfy(result -> assertThat(result.orTimeout(10, TimeUnit.SECONDS).join())
        .isEqualTo("loaded once"));
    assertThat(loads).hasValue(1);
  }

  @Test
  void asynchronousFormsAgreeWithTheBlockingOnes() {
    String key = freshKey();
    User carol = new User("3", "Carol", List.of());

    assertThat(cache.getAsync(key, User.class).toCompletableFuture().join()).isEqualTo(new CacheLookup.Miss<>());
    assertThat(cache.getOrLoadAsync(key, TTL, User.class, () -> CompletableFuture.completedFuture(carol))
        .toCompletableFuture().join()).isEqualTo(carol);
    assertThat(cache.getOrLoadAsync(key, TTL, new TypeReference<User>() {}, () -> {
      throw new AssertionError("a hit");
    }).toCompletableFuture().join()).isEqualTo(carol);
    assertThat(cache.getAsync(key, new TypeReference<User>() {}).toCompletableFuture().join())
        .isEqualTo(new CacheLookup.Hit<>(carol));
    cache.putAsync(key, new User("3", "Carol 2", List.of()), TTL).toCompletableFuture().join();
    assertThat(cache.get(key, User.class).orNull()).isEqualTo(new User("3", "Carol 2", List.of()));
    assertThat(cache.invalidateAsync(key).toCompletableFuture().join()).isTrue();
    assertThat(cache.getAsync(key, User.class).toCompletableFuture().join()).isEqualTo(new CacheLookup.Miss<>());
  }

  @Test
  void blockingLoadersRunOnTheCallersThread() {
    AtomicReference<Thread> loaderThread = new AtomicReference<>();

    String result = cache.getOrLoad(freshKey(), TTL, String.class, () -> {
      loaderThread.set(Thread.currentThread());
      return "v";
    });

    assertThat(result).isEqualTo("v");
    assertThat(loaderThread.get()).isSameAs(Thread.currentThread());
  }

  @Test
  void asynchronousLoadersRunOnTheExecutorNeverOnAnIoThread() {
    AtomicReference<String> loaderThread = new AtomicReference<>();
    ExecutorService executor = Executors.newSingleThreadExecutor(task -> new Thread(task, "cache-loader"));
    try (RedisCache onExecutor = RedisCache.create(redis, "users", CachePolicy.of(TTL), executor)) {
      String result = onExecutor.getOrLoadAsync(freshKey(), TTL, String.class, () -> {
        loaderThread.set(Thread.currentThread().getName());
        return CompletableFuture.completedFuture("v");
      }).toCompletableFuture().join();

      assertThat(result).isEqualTo("v");
      assertThat(loaderThread.get()).isEqualTo("cache-loader");
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void loaderFailuresReachTheCallerAndNothingIsCached() {
    String key = freshKey();

    assertThatThrownBy(() -> cache.getOrLoad(key, TTL, User.class, () -> {
      throw new IllegalStateException("database down");
    })).isInstanceOf(IllegalStateException.class).hasMessage("database down");
    CompletionStage<User> failedAsync = cache.getOrLoadAsync(key, TTL, User.class,
        () -> CompletableFuture.failedFuture(new IllegalStateException("database down")));
    assertThatThrownBy(() -> failedAsync.toCompletableFuture().join())
        .hasRootCauseInstanceOf(IllegalStateException.class).hasRootCauseMessage("database down");

    assertThat(redis.exists(key)).isZero();
    assertThat(cache.getOrLoad(key, TTL, String.class, () -> "recovered")).isEqualTo("recovered");
  }

  @Test
  void invalidatePrefixDeletesEveryKeyUnderThePrefixInBatches() throws Exception {
    String prefix = keys.cachePrefix("feed");
    RedisClusterCommands<String, String> text = TestRedis.sync(redis);
    for (int i = 0; i < 1_200; i++) {
      text.set(keys.cache("feed", "page-" + i), "x");
    }
    String neighbour = keys.cache("feed2", "1");
    text.set(neighbour, "x");
    if (redis.isCluster()) {
      assertThat(IntStream.range(0, 1_200).mapToObj(i -> redis.clusterConnection().getPartitions()
          .getPartitionBySlot(SlotHash.getSlot(keys.cache("feed", "page-" + i))).getNodeId()).distinct())
          .as("cache keys are not hash-tagged: they spread over the masters, and SCAN and UNLINK must reach them all")
          .hasSizeGreaterThan(1);
    }

    // A cache of its own, whose cluster connection has no connection to any master yet: the scan opens them as it
    // moves from master to master, which once deadlocked on Lettuce's I/O thread.
    try (RedisCache fresh = RedisCache.create(redis, "users", CachePolicy.of(TTL))) {
      assertThat(fresh.invalidatePrefix(prefix)).isEqualTo(1_200);
      assertThat(redis.exists(keys.cache("feed", "page-0"), keys.cache("feed", "page-1199"))).isZero();
      assertThat(redis.exists(neighbour)).as("cache:feed2: does not start with cache:feed:").isEqualTo(1);
      assertThat(fresh.invalidatePrefixAsync(prefix).toCompletableFuture().get(10, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void invalidatePrefixMatchesGlobCharactersLiterally() {
    RedisClusterCommands<String, String> text = TestRedis.sync(redis);
    String base = keys.prefix() + "cache:raw:";
    List<String> lookalikes = List.of(base + "aXb:1", base + "a\\*b:1", base + "ab:1", base + "a]b:1");
    lookalikes.forEach(key -> text.set(key, "x"));
    text.set(base + "a*b:1", "x");
    text.set(base + "a*b:2", "x");
    text.set(base + "a?[b]:1", "x");

    assertThat(cache.invalidatePrefix(base + "a*b:")).isEqualTo(2);
    assertThat(cache.invalidatePrefix(base + "a?[b]:")).isEqualTo(1);
    assertThat(cache.invalidatePrefix(base + "*")).isZero();
    assertThat(text.exists(lookalikes.toArray(new String[0]))).isEqualTo(lookalikes.size());
  }

  @Test
  void aGlobPatternIsEscapedCharacterByCharacter() {
    assertThat(PrefixInvalidation.escapeGlob("a*b?c[d]e\\f")).isEqualTo("a\\*b\\?c\\[d\\]e\\\\f");
    assertThat(PrefixInvalidation.escapeGlob("cache:users:")).isEqualTo("cache:users:");
  }

  @Test
  void invalidatePrefixRefusesToReachBeyondTheApplicationsKeys() {
    String keyPrefix = keys.prefix();

    assertThatThrownBy(() -> cache.invalidatePrefix(keyPrefix)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name something after it");
    assertThatThrownBy(() -> cache.invalidatePrefix("cache:")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must start with the key prefix");
  }

  @Test
  void badArgumentsAreRejectedWithTheirName() {
    String key = freshKey();

    assertThatThrownBy(() -> cache.getOrLoad(null, TTL, String.class, () -> "v"))
        .isInstanceOf(NullPointerException.class).hasMessage("key must not be null");
    assertThatThrownBy(() -> cache.getOrLoad("", TTL, String.class, () -> "v"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("key must not be empty");
    assertThatThrownBy(() -> cache.getOrLoad(key, Duration.ZERO, String.class, () -> "v"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must be at least 1 ms, was PT0S");
    assertThatThrownBy(() -> cache.getOrLoad(key, TTL, String.class, null))
        .isInstanceOf(NullPointerException.class).hasMessage("loader must not be null");
    assertThatThrownBy(() -> cache.get(key, (Class<String>) null))
        .isInstanceOf(NullPointerException.class).hasMessage("type must not be null");
    assertThatThrownBy(() -> cache.put(key, null)).isInstanceOf(NullPointerException.class)
        .hasMessage("value must not be null");
    assertThatThrownBy(() -> RedisCache.create(redis, " ", CachePolicy.defaults()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("name must not be blank");
    assertThat(redis.exists(key)).isZero();
  }

  @Test
  void aClosedCacheSaysSo() {
    RedisCache closed = RedisCache.create(redis, "users", CachePolicy.defaults());
    closed.close();
    closed.close();

    assertThatThrownBy(() -> closed.get(freshKey(), String.class)).isInstanceOf(IllegalStateException.class)
        .hasMessage("cache 'users' is closed");
    assertThatThrownBy(() -> closed.getOrLoad(freshKey(), String.class, () -> "v"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void loadsAreCounted() {
    long loads = count("loads");

    cache.getOrLoad(freshKey(), TTL, String.class, () -> "a");
    cache.getOrLoad(freshKey(), String.class, () -> "b");

    assertThat(count("loads") - loads).isEqualTo(2);
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(interrupted);
    }
  }

  /** A per-class instance serves every invocation: only {@code @RedisMatrix.BeforeInvocation} runs per layout. */
  @Test
  void theServiceUsesThisInvocationsLayout() {
    assertThat(redis.keyNames().layout()).isEqualTo(layout);
  }
}
