package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisMatrix;
import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.keys.KeyLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The near cache with two services on one server, standing for two application instances: A reads and keeps values
 * in memory, B writes, and Redis client tracking must make A drop its copy at once. On the shared cluster the near
 * cache is refused, and that is what runs there.
 */
@RunsAs(LeastPrivilege.CACHE)
@RedisMatrix(layouts = {KeyLayout.SEED, KeyLayout.CLUSTER}, topologies = {Topology.SINGLE, Topology.CLUSTER})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NearCacheTest {

  record Niche(String name, int members) {}

  private static final Duration TTL = Duration.ofMinutes(5);
  /** The bound on how soon another instance's write reaches the near cache. */
  private static final Duration PROPAGATION = Duration.ofMillis(100);
  /** A loose bound for tests about what happens, not how fast: the machine may be busy. */
  private static final Duration SOON = Duration.ofSeconds(2);
  private static final String NO_NEAR_CACHE = "Redis Cluster refuses a near cache";

  /** This invocation's layout, which {@link #start} receives before any test runs. */
  private KeyLayout layout;

  private RedisService serviceA;
  private RedisService serviceB;
  private @Nullable RedisCache near;
  private RedisCache b;

  @RedisMatrix.BeforeInvocation
  void start(KeyLayout invocationLayout, RedisEndpoint endpoint) {
    layout = invocationLayout;
    RedisSettings shared = TestRedis.settings(endpoint, invocationLayout).build();
    serviceA = RedisService.start(shared);
    serviceB = RedisService.start(shared);
    if (!serviceA.isCluster()) {
      near = RedisCache.create(serviceA, "niches", CachePolicy.of(TTL).withNearCache(1_000, Duration.ofMinutes(1)));
    }
    b = RedisCache.create(serviceB, "niches", CachePolicy.of(TTL));
  }

  @RedisMatrix.AfterInvocation
  void close() {
    if (near != null) {
      near.close();
    }
    b.close();
    serviceA.close();
    serviceB.close();
  }

  /** Instance A's near cache; a test that needs it is skipped on a cluster, where there is none. */
  private RedisCache a() {
    assumeTrue(near != null, NO_NEAR_CACHE);
    return near;
  }

  private String freshKey() {
    return serviceA.keyNames().cache("niches", UUID.randomUUID().toString());
  }

  private long gets(String result) {
    return serviceA.runtime().counters()
        .counter("cloutsy.redis.cache.gets", "cache", "niches", "result", result).count();
  }

  @Test
  void aReadIsKeptInMemorySoTheNextReadIsANearHit() {
    RedisCache a = a();
    String key = freshKey();
    b.put(key, new Niche("tech", 1));
    long hits = gets("hit");
    long nearHits = gets("near_hit");

    assertThat(a.get(key, Niche.class).orNull()).isEqualTo(new Niche("tech", 1));
    Niche first = a.getOrLoad(key, TTL, Niche.class, () -> null);
    Niche second = a.getOrLoad(key, TTL, Niche.class, () -> null);

    assertThat(first).isEqualTo(new Niche("tech", 1)).isSameAs(second);
    assertThat(gets("hit") - hits).isEqualTo(1);
    assertThat(gets("near_hit") - nearHits).isEqualTo(2);
    assertThat(a.nearCacheSize()).isPositive();
  }

  @Test
  void aWriteByAnotherInstanceReachesTheNearCacheWithin100MsAndNoStaleReadFollows() {
    RedisCache a = a();
    String key = freshKey();
    // One round first, so the measured one does not include loading and compiling the classes on the path.
    b.put(key, new Niche("warm-up", 0));
    a.get(key, Niche.class);
    a.get(key, Niche.class);
    b.put(key, new Niche("tech", 1));
    await().atMost(SOON).pollInterval(Duration.ofMillis(1))
        .until(() -> new Niche("tech", 1).equals(a.get(key, Niche.class).orNull()));
    long nearHits = gets("near_hit");
    assertThat(a.get(key, Niche.class).orNull()).isEqualTo(new Niche("tech", 1));
    assertThat(gets("near_hit")).as("A serves it from memory").isEqualTo(nearHits + 1);

    b.put(key, new Niche("tech", 2));

    await().atMost(PROPAGATION).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
        .until(() -> new Niche("tech", 2).equals(a.get(key, Niche.class).orNull()));
    for (int i = 0; i < 200; i++) {
      assertThat(a.get(key, Niche.class).orNull()).isEqualTo(new Niche("tech", 2));
    }
    assertThat(gets("near_hit")).as("the new value is kept again").isGreaterThan(nearHits + 100);
  }

  @Test
  void aReadRightAfterAnotherInstancesWriteIsKept() {
    RedisCache a = a();
    String key = freshKey();
    int kept = 0;

    for (int version = 0; version < 50; version++) {
      b.put(key, version);
      Integer expected = version;
      await().atMost(SOON).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
          .until(() -> expected.equals(a.get(key, Integer.class).orNull()));
      long nearHits = gets("near_hit");
      assertThat(a.get(key, Integer.class).orNull()).isEqualTo(version);
      kept += (int) (gets("near_hit") - nearHits);
    }

    assertThat(kept).as("an invalidation that arrives before the reply to a read spares the value it returns")
        .isEqualTo(50);
  }

  @Test
  void readersRacingAWriterEndOnTheLastValueAndStayThere() throws Exception {
    RedisCache a = a();
    String key = freshKey();
    b.put(key, 0);
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService readers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        running.add(readers.submit(() -> {
          while (writing.get()) {
            a.get(key, Integer.class);
          }
        }));
      }
      for (int version = 1; version <= 300; version++) {
        b.put(key, version);
      }
      writing.set(false);
      for (Future<?> reader : running) {
        reader.get(10, TimeUnit.SECONDS);
      }
    } finally {
      readers.shutdownNow();
    }

    await().atMost(SOON).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
        .until(() -> Integer.valueOf(300).equals(a.get(key, Integer.class).orNull()));
    for (int i = 0; i < 500; i++) {
      assertThat(a.get(key, Integer.class).orNull()).isEqualTo(300);
    }
  }

  @Test
  void aDeleteByAnyClientReachesTheNearCache() {
    RedisCache a = a();
    String key = freshKey();
    b.put(key, "v");
    a.get(key, String.class);
    a.get(key, String.class);

    TestRedis.admin(serviceB).del(key);

    await().atMost(SOON).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
        .until(() -> a.get(key, String.class) instanceof CacheLookup.Miss);
  }

  @Test
  void thisInstancesOwnWritesAreVisibleToItsNextReadAtOnce() {
    RedisCache a = a();
    String key = freshKey();
    a.put(key, "one");
    a.get(key, String.class);
    assertThat(a.get(key, String.class).orNull()).isEqualTo("one");

    a.put(key, "two");
    assertThat(a.get(key, String.class).orNull()).isEqualTo("two");

    a.invalidate(key);
    assertThat(a.get(key, String.class)).isEqualTo(new CacheLookup.Miss<>());
  }

  @Test
  void aCachedNotFoundIsKeptAndDroppedWhenTheValueAppears() {
    RedisCache a = a();
    String key = freshKey();
    assertThat(a.getOrLoad(key, TTL, Niche.class, () -> null)).isNull();
    a.get(key, Niche.class);
    long nearHits = gets("near_hit");
    assertThat(a.get(key, Niche.class)).isEqualTo(new CacheLookup.NotFound<>());
    assertThat(gets("near_hit")).isEqualTo(nearHits + 1);

    b.put(key, new Niche("new", 0));

    await().atMost(SOON).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
        .until(() -> new Niche("new", 0).equals(a.get(key, Niche.class).orNull()));
  }

  @Test
  void aKeptValueLeavesWhenItsRedisEntryExpires() {
    RedisCache a = a();
    String key = freshKey();
    b.put(key, "short-lived", Duration.ofMillis(300));
    a.get(key, String.class);
    assertThat(a.get(key, String.class).orNull()).isEqualTo("short-lived");

    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
        .until(() -> a.get(key, String.class) instanceof CacheLookup.Miss);
  }

  @Test
  void theNearCacheIsBoundedByItsSize() {
    assumeTrue(near != null, NO_NEAR_CACHE);
    try (RedisCache small = RedisCache.create(serviceA, "niches", CachePolicy.of(TTL).withNearCache(10, TTL))) {
      List<String> keys = java.util.stream.IntStream.range(0, 50).mapToObj(i -> freshKey()).toList();
      for (int i = 0; i < keys.size(); i++) {
        b.put(keys.get(i), new Niche("n" + i, i));
      }

      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < keys.size(); i++) {
          assertThat(small.get(keys.get(i), Niche.class).orNull()).isEqualTo(new Niche("n" + i, i));
        }
      }

      assertThat(small.nearCacheSize()).isBetween(1L, 10L);
    }
  }

  @Test
  void onRedisClusterANearCacheIsRefusedNamingTheReasonAndTheAlternative() {
    assumeTrue(serviceA.isCluster(), "a single server keeps a near cache");

    assertThatIllegalArgumentException()
        .isThrownBy(() -> RedisCache.create(serviceA, "niches", CachePolicy.of(TTL).withNearCache(10, TTL)))
        .withMessageStartingWith("policy asks for a near cache, which cache 'niches' cannot keep on Redis Cluster")
        .withMessageContaining("client tracking is per node and per connection")
        .withMessageContaining("would serve stale values")
        .withMessageContaining("without withNearCache")
        .withMessageContaining("REDIS_CACHE_URL");
    try (RedisCache plain = RedisCache.create(serviceA, "niches", CachePolicy.of(TTL))) {
      String key = freshKey();
      b.put(key, new Niche("tech", 1));
      assertThat(plain.get(key, Niche.class).orNull()).as("without a near cache it works").isEqualTo(
          new Niche("tech", 1));
      assertThat(plain.nearCacheSize()).isZero();
    }
  }

  /** A per-class instance serves every invocation: only {@code @RedisMatrix.BeforeInvocation} runs per layout. */
  @Test
  void theServiceUsesThisInvocationsLayout() {
    assertThat(serviceA.keyNames().layout()).isEqualTo(layout);
  }
}
