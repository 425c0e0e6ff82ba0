package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisMatrix;
import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestClock;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.RedisEndpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Probabilistic early expiration (XFetch) across instances: two services on one server stand for two application
 * instances sharing a clock that the test moves, so "shortly before expiry" needs no waiting.
 */
@RunsAs(LeastPrivilege.CACHE)
@RedisMatrix(topologies = {Topology.SINGLE, Topology.CLUSTER})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EarlyRefreshTest {

  private static final Duration TTL = Duration.ofSeconds(60);
  /** The loaders below move the clock by this much, as if the database took that long. */
  private static final Duration LOAD_TIME = Duration.ofSeconds(1);
  private static final CachePolicy POLICY = CachePolicy.of(TTL).withTtlJitterPercent(0);
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private final RedisService serviceA;
  private final RedisService serviceB;

  EarlyRefreshTest(RedisEndpoint endpoint) {
    RedisSettings shared = TestRedis.settings(endpoint).build();
    serviceA = RedisService.start(shared);
    serviceB = RedisService.start(shared);
  }

  @AfterAll
  void close() {
    serviceA.close();
    serviceB.close();
  }

  private String freshKey() {
    return serviceA.keyNames().cache("hot", UUID.randomUUID().toString());
  }

  private static long count(RedisService redis, String name, String... tags) {
    String[] all = new String[tags.length + 2];
    all[0] = "cache";
    all[1] = "hot";
    System.arraycopy(tags, 0, all, 2, tags.length);
    return redis.runtime().counters().counter("cloutsy.redis.cache." + name, all).count();
  }

  @Test
  void theDecisionIsXFetchs() {
    double oneOverE = Math.exp(-1);

    assertThat(EarlyRefresh.isDue(0, 60_000, 100_000, 1.0, 1e-9))
        .as("a minute ahead with a 100 ms load: not even for a one-in-a-billion draw").isFalse();
    assertThat(EarlyRefresh.isDue(60_000, 60_000, 100_000, 1.0, 1.0)).as("at expiry, always").isTrue();
    assertThat(EarlyRefresh.isDue(60_001, 60_000, 0, 1.0, 1.0)).as("past it, always").isTrue();
    assertThat(EarlyRefresh.isDue(59_899, 60_000, 100_000, 1.0, oneOverE)).isFalse();
    assertThat(EarlyRefresh.isDue(59_901, 60_000, 100_000, 1.0, oneOverE))
        .as("with U = 1/e the horizon is one load time").isTrue();
    assertThat(EarlyRefresh.isDue(59_799, 60_000, 100_000, 2.0, oneOverE)).isFalse();
    assertThat(EarlyRefresh.isDue(59_801, 60_000, 100_000, 2.0, oneOverE))
        .as("beta stretches the horizon").isTrue();
  }

  @Test
  void aHotKeyIsReloadedShortlyBeforeItExpiresAndNeverMisses() {
    TestClock clock = new TestClock(START);
    try (RedisCache cache = RedisCache.create(serviceA, "hot", POLICY, clock)) {
      String key = freshKey();
      AtomicInteger version = new AtomicInteger();
      AtomicLong reloadedAt = new AtomicLong();
      Supplier<Integer> loader = () -> {
        reloadedAt.set(clock.millis());
        clock.advance(LOAD_TIME);
        return version.incrementAndGet();
      };
      cache.getOrLoad(key, TTL, Integer.class, loader);
      long expiresAt = clock.millis() + TTL.toMillis();
      long misses = count(serviceA, "gets", "result", "miss");
      long refreshes = count(serviceA, "refreshes");

      clock.advance(Duration.ofSeconds(30));
      for (int i = 0; i < 200; i++) {
        assertThat(cache.getOrLoad(key, TTL, Integer.class, loader)).as("half a minute ahead: no reload").isEqualTo(1);
      }
      while (version.get() == 1) {
        clock.advance(Duration.ofMillis(100));
        assertThat(cache.getOrLoad(key, TTL, Integer.class, loader)).isIn(1, 2);
      }

      assertThat(reloadedAt.get()).as("reloaded before it expired").isLessThanOrEqualTo(expiresAt);
      assertThat(count(serviceA, "refreshes") - refreshes).isEqualTo(1);
      assertThat(count(serviceA, "gets", "result", "miss")).as("no miss").isEqualTo(misses);
      for (int i = 0; i < 100; i++) {
        assertThat(cache.getOrLoad(key, TTL, Integer.class, loader)).as("the reload renewed the TTL").isEqualTo(2);
      }
    }
  }

  @Test
  void acrossInstancesOneEarlyCallerReloadsAndTheOtherInstanceReadsItsValue() {
    TestClock clock = new TestClock(START);
    try (RedisCache a = RedisCache.create(serviceA, "hot", POLICY, clock);
        RedisCache b = RedisCache.create(serviceB, "hot", POLICY, clock)) {
      String key = freshKey();
      AtomicInteger version = new AtomicInteger();
      List<String> reloadedBy = new ArrayList<>();
      a.getOrLoad(key, TTL, Integer.class, () -> {
        clock.advance(LOAD_TIME);
        return version.incrementAndGet();
      });
      long expiresAt = clock.millis() + TTL.toMillis();
      long refreshes = count(serviceA, "refreshes") + count(serviceB, "refreshes");
      long missesOfB = count(serviceB, "gets", "result", "miss");
      clock.advance(Duration.ofSeconds(30));

      while (clock.millis() <= expiresAt + 1_000) {
        clock.advance(Duration.ofMillis(100));
        for (RedisCache instance : List.of(a, b)) {
          Integer value = instance.getOrLoad(key, TTL, Integer.class, () -> {
            reloadedBy.add(instance == a ? "A" : "B");
            clock.advance(LOAD_TIME);
            return version.incrementAndGet();
          });
          assertThat(value).isIn(1, 2);
        }
      }

      assertThat(reloadedBy).as("one early reload for both instances").hasSize(1);
      assertThat(count(serviceA, "refreshes") + count(serviceB, "refreshes") - refreshes).isEqualTo(1);
      assertThat(count(serviceB, "gets", "result", "miss")).as("B never missed").isEqualTo(missesOfB);
      assertThat(a.get(key, Integer.class).orNull()).isEqualTo(2);
      assertThat(b.get(key, Integer.class).orNull()).isEqualTo(2);
    }
  }

  /**
   * Issue 18: a writer whose clock is three hours behind records an expiry by the server's time, so a reader with an
   * accurate clock finds the fresh entry not due: no refresh on every read.
   */
  @Test
  void aWriterWhoseClockIsHoursBehindDoesNotMakeEveryReadARefresh() {
    TestClock behind = new TestClock(Instant.now().minus(Duration.ofHours(3)));
    TestClock accurate = new TestClock(Instant.now());
    try (RedisCache writer = RedisCache.create(serviceA, "hot", POLICY, behind);
        RedisCache reader = RedisCache.create(serviceB, "hot", POLICY, accurate)) {
      String key = freshKey();
      AtomicInteger loads = new AtomicInteger();
      writer.getOrLoad(key, TTL, Integer.class, () -> {
        behind.advance(LOAD_TIME);
        return loads.incrementAndGet();
      });
      long refreshes = count(serviceB, "refreshes");

      for (int i = 0; i < 100; i++) {
        assertThat(reader.getOrLoad(key, TTL, Integer.class, loads::incrementAndGet)).isEqualTo(1);
      }

      assertThat(loads.get()).as("only the writer's load").isEqualTo(1);
      assertThat(count(serviceB, "refreshes") - refreshes).isZero();
    }
  }

  /**
   * Issue 18: a writer whose clock is three hours ahead records an expiry by the server's time, so a reader still
   * refreshes the entry when it is due by the server's time, while Redis still holds it.
   */
  @Test
  void aWriterWhoseClockIsHoursAheadDoesNotDisableEarlyRefresh() {
    TestClock ahead = new TestClock(Instant.now().plus(Duration.ofHours(3)));
    TestClock reader = new TestClock(Instant.now());
    try (RedisCache a = RedisCache.create(serviceA, "hot", POLICY, ahead);
        RedisCache b = RedisCache.create(serviceB, "hot", POLICY, reader)) {
      String key = freshKey();
      AtomicInteger version = new AtomicInteger();
      a.getOrLoad(key, TTL, Integer.class, version::incrementAndGet);
      long refreshes = count(serviceB, "refreshes");

      // Past the entry's expiry by the reader's clock, which is the server's; Redis, on real time, still has it.
      reader.advance(TTL.plusSeconds(1));

      assertThat(b.getOrLoad(key, TTL, Integer.class, version::incrementAndGet)).isEqualTo(2);
      assertThat(count(serviceB, "refreshes") - refreshes).as("due by the server's time: refreshed").isEqualTo(1);
      assertThat(version.get()).isEqualTo(2);
    }
  }

  @Test
  void concurrentReadersOfADueKeyReloadItAtMostOncePerInstanceAndAllGetAValue() throws Exception {
    TestClock clock = new TestClock(START);
    try (RedisCache a = RedisCache.create(serviceA, "hot", POLICY, clock);
        RedisCache b = RedisCache.create(serviceB, "hot", POLICY, clock)) {
      String key = freshKey();
      AtomicInteger loads = new AtomicInteger();
      a.getOrLoad(key, TTL, Integer.class, () -> 0);
      clock.advance(TTL);
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService callers = Executors.newFixedThreadPool(40);
      try {
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          RedisCache instance = i % 2 == 0 ? a : b;
          results.add(callers.submit(() -> {
            start.await();
            return instance.getOrLoad(key, TTL, Integer.class, () -> {
              RedisCacheTest.sleep(Duration.ofMillis(500));
              return loads.incrementAndGet();
            });
          }));
        }
        start.countDown();

        for (Future<Integer> result : results) {
          assertThat(result.get(10, TimeUnit.SECONDS)).isNotNull();
        }
      } finally {
        callers.shutdownNow();
      }

      assertThat(loads.get()).as("40 readers of a due key, two instances").isBetween(1, 2);
    }
  }

  @Test
  void aNearCacheHitRefreshesEarlyToo() {
    assumeFalse(serviceA.isCluster(), "Redis Cluster refuses a near cache");
    TestClock clock = new TestClock(START);
    try (RedisCache near = RedisCache.create(serviceA, "hot", POLICY.withNearCache(100, TTL), clock)) {
      String key = freshKey();
      near.getOrLoad(key, TTL, String.class, () -> "old");
      near.get(key, String.class);
      long nearHits = count(serviceA, "gets", "result", "near_hit");
      assertThat(near.get(key, String.class).orNull()).isEqualTo("old");
      assertThat(count(serviceA, "gets", "result", "near_hit")).isEqualTo(nearHits + 1);

      clock.advance(TTL);

      assertThat(near.getOrLoad(key, TTL, String.class, () -> "new")).as("due, found in memory").isEqualTo("new");
      assertThat(near.get(key, String.class).orNull()).isEqualTo("new");
    }
  }

  @Test
  void asynchronousReadsRefreshEarlyToo() {
    TestClock clock = new TestClock(START);
    try (RedisCache cache = RedisCache.create(serviceA, "hot", POLICY, clock)) {
      String key = freshKey();
      cache.getOrLoad(key, TTL, String.class, () -> "old");
      clock.advance(TTL);

      String value = cache.getOrLoadAsync(key, TTL, String.class, () -> CompletableFuture.completedFuture("new"))
          .toCompletableFuture().join();

      assertThat(value).isEqualTo("new");
      assertThat(cache.get(key, String.class).orNull()).isEqualTo("new");
    }
  }

  @Test
  void aFailedEarlyReloadServesTheCurrentValueWhichIsStillValid() {
    TestClock clock = new TestClock(START);
    try (RedisCache cache = RedisCache.create(serviceA, "hot", POLICY, clock)) {
      String key = freshKey();
      cache.getOrLoad(key, TTL, String.class, () -> "current");
      clock.advance(TTL);
      long refreshes = count(serviceA, "refreshes");

      assertThat(cache.getOrLoad(key, TTL, String.class, () -> {
        throw new IllegalStateException("database hiccup");
      })).isEqualTo("current");
      assertThat(cache.getOrLoadAsync(key, TTL, String.class,
          () -> CompletableFuture.failedFuture(new IllegalStateException("database hiccup")))
          .toCompletableFuture().join()).isEqualTo("current");
      assertThat(count(serviceA, "refreshes") - refreshes).as("both tried").isEqualTo(2);
    }
  }

  @Test
  void earlyRefreshCanBeTurnedOff() {
    TestClock clock = new TestClock(START);
    try (RedisCache cache = RedisCache.create(serviceA, "hot", POLICY.withEarlyRefreshBeta(0), clock)) {
      String key = freshKey();
      cache.getOrLoad(key, TTL, String.class, () -> "current");
      clock.advance(TTL.plusSeconds(1));

      assertThat(cache.getOrLoad(key, TTL, String.class, () -> "new")).as("Redis still holds it: a plain hit")
          .isEqualTo("current");
    }
  }
}
