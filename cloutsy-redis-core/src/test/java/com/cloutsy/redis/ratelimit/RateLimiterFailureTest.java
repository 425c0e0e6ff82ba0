package com.cloutsy.redis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import io.lettuce.core.RedisCommandExecutionException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Failure policies against a real server that is stopped, restarted and stalled. */
@WithRedis
class RateLimiterFailureTest {

  private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
  private static final Duration HOUR = Duration.ofHours(1);

  private static RedisService start(EmbeddedRedis server) {
    return RedisService.start(RedisSettings.builder().host(server.host()).port(server.port())
        .commandTimeout(COMMAND_TIMEOUT).connectTimeout(Duration.ofSeconds(1)).build());
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void failOpenDecidesLocallyWithTheSameLimitAndReturnsToRedisWhenItIsBack(Algorithm algorithm,
      EmbeddedRedis server) {
    try (RedisService redis = start(server)) {
      RateLimiter limiter = RateLimiter.create(redis, FailurePolicy.FAIL_OPEN);
      RateLimit limit = new RateLimit(3, HOUR, 0, algorithm);
      String key = redis.keyNames().apiLimit("42", "feed");
      long localBefore = RateLimiterTest.decisions(redis, "allowed", "local").count();
      assertThat(limiter.tryAcquire(key, limit).decidedLocally()).isFalse();

      server.stop();
      await().atMost(Duration.ofSeconds(2)).until(() -> !redis.isConnected());
      List<Decision> whileDown = Stream.generate(() -> limiter.tryAcquire(key, limit)).limit(4).toList();

      assertThat(whileDown).extracting(Decision::decidedLocally).containsOnly(true);
      assertThat(whileDown).extracting(Decision::allowed).containsExactly(true, true, true, false);
      assertThat(whileDown.get(3).retryAfter()).isPositive();
      assertThat(limiter.peek(key, limit).decidedLocally()).isTrue();
      assertThat(RateLimiterTest.decisions(redis, "allowed", "local").count() - localBefore).isEqualTo(3);

      server.restart();
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
          .until(() -> !limiter.tryAcquire(key, limit).decidedLocally());
      Decision afterwards = limiter.tryAcquire(key, limit);
      assertThat(afterwards.decidedLocally()).as("the same limiter counts in Redis again").isFalse();
      assertThat(redis.connection().sync().pttl(key)).isPositive();
    }
  }

  @Test
  void failClosedThrowsWhileRedisIsDownAndDecidesAgainWhenItIsBack(EmbeddedRedis server) {
    try (RedisService redis = start(server)) {
      RateLimiter limiter = RateLimiter.create(redis);
      RateLimit limit = RateLimit.slidingWindow(10, HOUR);
      String key = redis.keyNames().apiLimit("42", "feed");
      limiter.tryAcquire(key, limit);

      server.stop();
      await().atMost(Duration.ofSeconds(2)).until(() -> !redis.isConnected());
      assertThat(limiter.failurePolicy()).isEqualTo(FailurePolicy.FAIL_CLOSED);
      assertThatThrownBy(() -> limiter.tryAcquire(key, limit)).isInstanceOf(RedisUnavailableException.class)
          .hasMessageContaining(String.valueOf(server.port()));
      assertThatThrownBy(() -> limiter.tryAcquireAsync(key, limit).toCompletableFuture().join())
          .hasCauseInstanceOf(RedisUnavailableException.class);

      server.restart();
      await().atMost(Duration.ofSeconds(5)).ignoreExceptionsInstanceOf(RedisUnavailableException.class)
          .untilAsserted(() -> assertThat(limiter.tryAcquire(key, limit).allowed()).isTrue());
    }
  }

  @Test
  void aStalledServerIsDecidedLocallyAfterTheCommandTimeout(EmbeddedRedis server) {
    try (RedisService redis = start(server)) {
      RateLimiter limiter = RateLimiter.create(redis, FailurePolicy.FAIL_OPEN);
      RateLimit limit = RateLimit.of(5, HOUR);
      String key = redis.keyNames().apiLimit("42", "feed");
      server.pause();
      try {
        long started = System.nanoTime();
        Decision decision = limiter.tryAcquire(key, limit);

        assertThat(decision.decidedLocally()).isTrue();
        assertThat(decision.allowed()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started))
            .isGreaterThanOrEqualTo(COMMAND_TIMEOUT.multipliedBy(9).dividedBy(10));
      } finally {
        server.resume();
      }
      await().atMost(Duration.ofSeconds(3)).until(() -> !limiter.tryAcquire(key, limit).decidedLocally());
    }
  }

  @Test
  void resetAndScriptErrorsAreNeverDecidedLocally(EmbeddedRedis server) {
    try (RedisService redis = start(server)) {
      RateLimiter limiter = RateLimiter.create(redis, FailurePolicy.FAIL_OPEN);
      String hash = redis.keyNames().userPrefs("42");
      redis.hset(hash, "theme", "dark");

      assertThatThrownBy(() -> limiter.tryAcquire(hash, RateLimit.fixedWindow(1, HOUR)))
          .isInstanceOf(RedisCommandExecutionException.class).isNotInstanceOf(RedisUnavailableException.class)
          .hasMessageContaining("WRONGTYPE");

      server.stop();
      await().atMost(Duration.ofSeconds(2)).until(() -> !redis.isConnected());
      assertThatThrownBy(() -> limiter.reset(redis.keyNames().apiLimit("42", "feed")))
          .isInstanceOf(RedisUnavailableException.class);
    }
  }

  @Test
  void failOpenCooldownsStartLocallyWhileRedisIsDown(EmbeddedRedis server) {
    try (RedisService redis = start(server)) {
      Cooldown cooldown = Cooldown.create(redis, FailurePolicy.FAIL_OPEN);
      String key = redis.keyNames().otpCooldown("+15551234567");
      Duration minute = Duration.ofMinutes(1);
      server.stop();
      await().atMost(Duration.ofSeconds(2)).until(() -> !redis.isConnected());

      Decision started = cooldown.tryStart(key, minute);
      Decision active = cooldown.tryStart(key, minute);

      assertThat(started.allowed()).isTrue();
      assertThat(started.decidedLocally()).isTrue();
      assertThat(active.allowed()).isFalse();
      assertThat(active.retryAfter()).isPositive().isLessThanOrEqualTo(minute);
      assertThat(redis.runtime().counters().counter("cloutsy.redis.ratelimit.cooldowns", "result", "active", "source",
          "local").count()).isEqualTo(1);

      server.restart();
      await().atMost(Duration.ofSeconds(5)).until(() -> !cooldown.tryStart(key, minute).decidedLocally());
      assertThat(cooldown.tryStart(key, minute).allowed()).as("Redis holds the cooldown now").isFalse();
    }
  }
}
