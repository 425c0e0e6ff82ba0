package com.cloutsy.redis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The insurance limiter on its own, with a clock the test moves: the same semantics as the scripts. */
class LocalLimiterTest {

  // An instant on a window boundary for windows of 1 s and 10 s, so sliding-window weights are round numbers.
  private final TestClock clock = new TestClock(Instant.ofEpochSecond(1_700_000_000L));
  private final LocalLimiter local = new LocalLimiter(100, clock);

  @Test
  void fixedWindowStartsAtTheFirstPermitAndIsNotExtended() {
    RateLimit limit = RateLimit.fixedWindow(2, Duration.ofSeconds(10));

    assertThat(local.decide("k", limit, 1, true)).isEqualTo(decision(true, 2, 1, 0, 10_000));
    clock.advance(Duration.ofSeconds(4));
    assertThat(local.decide("k", limit, 1, true)).isEqualTo(decision(true, 2, 0, 0, 6_000));
    clock.advance(Duration.ofSeconds(1));
    assertThat(local.decide("k", limit, 1, true)).isEqualTo(decision(false, 2, 0, 5_000, 5_000));
    clock.advance(Duration.ofSeconds(5));
    assertThat(local.decide("k", limit, 2, true)).isEqualTo(decision(true, 2, 0, 0, 10_000));
  }

  @Test
  void slidingWindowWeighsThePreviousWindowByWhatStillOverlaps() {
    RateLimit limit = RateLimit.slidingWindow(10, Duration.ofSeconds(10));
    assertThat(local.decide("k", limit, 10, true).allowed()).isTrue();

    clock.advance(Duration.ofSeconds(12));
    // 10 from the previous window weigh 8/10: 8 used, 2 left.
    assertThat(local.decide("k", limit, 1, false)).isEqualTo(decision(true, 10, 2, 0, 8_000));
    assertThat(local.decide("k", limit, 2, true)).isEqualTo(decision(true, 10, 0, 0, 18_000));
    // Denied: 3 more need the previous window's 10 to weigh at most 10 - 2 - 3 = 5, i.e. 3 s from now.
    assertThat(local.decide("k", limit, 3, true)).isEqualTo(decision(false, 10, 0, 3_000, 18_000));
  }

  @Test
  void gcraAdmitsLimitPlusBurstAtOnceThenRefillsAtTheRate() {
    RateLimit limit = RateLimit.of(2, Duration.ofSeconds(1)).withBurst(1);

    assertThat(local.decide("k", limit, 3, true)).isEqualTo(decision(true, 3, 0, 0, 1_500));
    assertThat(local.decide("k", limit, 1, true)).isEqualTo(decision(false, 3, 0, 500, 1_500));
    clock.advance(Duration.ofMillis(500));
    assertThat(local.decide("k", limit, 1, true)).isEqualTo(decision(true, 3, 0, 0, 1_500));
    clock.advance(Duration.ofSeconds(10));
    assertThat(local.decide("k", limit, 1, false)).isEqualTo(decision(true, 3, 3, 0, 0));
  }

  @Test
  void concurrentCallersOnOneKeyAreExact() throws Exception {
    RateLimit limit = RateLimit.slidingWindow(100, Duration.ofHours(1));
    AtomicInteger allowed = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        runs.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            if (local.decide("hot", limit, 1, true).allowed()) {
              allowed.incrementAndGet();
            }
          }
        }));
      }
      for (Future<?> run : runs) {
        run.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(allowed).hasValue(100);
  }

  @Test
  void isBoundedAndForgetsIdleOrResetKeys() {
    // Two permits, one spent: every key has one left, so none is pinned and the cap alone bounds them.
    RateLimit limit = RateLimit.fixedWindow(2, Duration.ofSeconds(1));
    for (int i = 0; i < 1_000; i++) {
      local.decide("key-" + i, limit, 1, true);
    }
    assertThat(local.size()).isLessThanOrEqualTo(100);

    local.decide("forget-me", limit, 1, true);
    local.forget("forget-me");
    assertThat(local.decide("forget-me", limit, 1, true).allowed()).as("a fresh count").isTrue();
  }

  @Test
  void aSprayOfNewKeysNeverReopensAKeyUnderDenialRegression16() {
    for (RateLimit limit : List.of(RateLimit.fixedWindow(3, Duration.ofSeconds(60)),
        RateLimit.slidingWindow(3, Duration.ofSeconds(60)), RateLimit.of(3, Duration.ofSeconds(60)))) {
      String key = "victim-" + limit.algorithm();
      for (int i = 0; i < 3; i++) {
        assertThat(local.decide(key, limit, 1, true).allowed()).isTrue();
      }
      assertThat(local.decide(key, limit, 1, true).allowed()).isFalse();

      for (int i = 0; i < 10_000; i++) {
        local.decide("spray-" + limit.algorithm() + "-" + i, limit, 1, true);
      }

      assertThat(local.decide(key, limit, 1, true).allowed()).as("%s after the spray", limit).isFalse();
      assertThat(local.size()).as("at most the cap plus as many pinned").isLessThanOrEqualTo(200);
    }
    clock.advance(Duration.ofSeconds(121));
    assertThat(local.decide("victim-FIXED_WINDOW", RateLimit.fixedWindow(3, Duration.ofSeconds(60)), 1, true)
        .allowed()).as("allowed again once its window has ended").isTrue();
  }

  @Test
  void atMostTheCapOfStatesIsPinnedAndARecoveredStateIsUnpinned() {
    RateLimit two = RateLimit.fixedWindow(2, Duration.ofSeconds(10));
    for (int i = 0; i < 50; i++) {
      local.decide("used-up-" + i, two, 2, true);
    }
    assertThat(local.pinned()).isEqualTo(50);
    for (int i = 50; i < 500; i++) {
      local.decide("used-up-" + i, two, 2, true);
    }
    assertThat(local.pinned()).as("pinned states have a cap of their own").isLessThanOrEqualTo(100);
    assertThat(local.size()).isLessThanOrEqualTo(200);

    clock.advance(Duration.ofSeconds(11));
    for (int i = 0; i < 500; i++) {
      local.decide("used-up-" + i, two, 1, true);
    }
    assertThat(local.pinned()).as("a window later each has a permit left").isZero();
  }

  @Test
  void aChangedLimitStartsAFreshCount() {
    local.decide("k", RateLimit.fixedWindow(1, Duration.ofSeconds(10)), 1, true);

    assertThat(local.decide("k", RateLimit.fixedWindow(2, Duration.ofSeconds(10)), 2, true).allowed()).isTrue();
  }

  @Test
  void onlyAnUnavailableRedisIsDecidedLocally() {
    RateLimit limit = RateLimit.fixedWindow(1, Duration.ofSeconds(10));
    RedisUnavailableException down = new RedisUnavailableException("down", new IllegalStateException());
    IllegalStateException bug = new IllegalStateException("WRONGTYPE");

    Decision decided = local.orDecide(CompletableFuture.failedFuture(down), "k", limit, 1, true)
        .toCompletableFuture().join();
    assertThat(decided.decidedLocally()).isTrue();
    assertThat(decided.allowed()).isTrue();
    assertThatThrownBy(() -> local.orDecide(CompletableFuture.failedFuture(bug), "k", limit, 1, true)
        .toCompletableFuture().join()).isInstanceOf(CompletionException.class).hasCause(bug);
  }

  private static Decision decision(boolean allowed, long limit, long remaining, long retryMillis, long resetMillis) {
    return new Decision(allowed, limit, remaining, Duration.ofMillis(retryMillis), Duration.ofMillis(resetMillis),
        true);
  }
}
