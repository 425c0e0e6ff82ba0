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

/**
 * What {@link FailurePolicy#FAIL_OPEN} decides in process while the server is stopped: the limit itself, for every
 * algorithm and for cooldowns, counted in the meters as {@code source=local}; and what it never decides locally, a
 * script error. That a fail-open call decides locally at all is {@code FailurePolicyContractTest}'s.
 */
@WithRedis
class FailOpenLocalDecisionsTest {

  private static final Duration HOUR = Duration.ofHours(1);

  private static RedisService start(EmbeddedRedis server) {
    return RedisService.start(RedisSettings.builder().host(server.host()).port(server.port())
        .commandTimeout(Duration.ofMillis(500)).connectTimeout(Duration.ofSeconds(1)).build());
  }

  private static long count(RedisService redis, String name, String result) {
    return redis.runtime().counters().counter(name, "result", result, "source", "local").count();
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void theInsuranceLimiterEnforcesTheSameLimitAndRedisDecidesAgainWhenItIsBack(Algorithm algorithm,
      EmbeddedRedis server) {
    try (RedisService redis = start(server)) {
      RateLimiter limiter = RateLimiter.create(redis, FailurePolicy.FAIL_OPEN);
      RateLimit limit = new RateLimit(3, HOUR, 0, algorithm);
      String key = redis.keyNames().apiLimit("42", "feed");
      assertThat(limiter.tryAcquire(key, limit).decidedLocally()).isFalse();

      server.stop();
      await().atMost(Duration.ofSeconds(2)).until(() -> !redis.isConnected());
      List<Decision> whileDown = Stream.generate(() -> limiter.tryAcquire(key, limit)).limit(4).toList();

      assertThat(whileDown).extracting(Decision::decidedLocally).containsOnly(true);
      assertThat(whileDown).extracting(Decision::allowed).containsExactly(true, true, true, false);
      assertThat(whileDown.get(3).retryAfter()).isPositive();
      assertThat(limiter.peek(key, limit).decidedLocally()).isTrue();
      assertThat(count(redis, "cloutsy.redis.ratelimit.decisions", "allowed")).isEqualTo(3);
      assertThat(count(redis, "cloutsy.redis.ratelimit.decisions", "denied")).isEqualTo(1);

      server.restart();
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
          .until(() -> !limiter.tryAcquire(key, limit).decidedLocally());
      assertThat(limiter.tryAcquire(key, limit).decidedLocally()).as("the same limiter counts in Redis again")
          .isFalse();
      assertThat(redis.connection().sync().pttl(key)).isPositive();
    }
  }

  @Test
  void aCooldownStartsLocallyAndIsThenActiveLocally(EmbeddedRedis server) {
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
      assertThat(active.decidedLocally()).isTrue();
      assertThat(active.retryAfter()).isPositive().isLessThanOrEqualTo(minute);
      assertThat(count(redis, "cloutsy.redis.ratelimit.cooldowns", "started")).isEqualTo(1);
      assertThat(count(redis, "cloutsy.redis.ratelimit.cooldowns", "active")).isEqualTo(1);

      server.restart();
      await().atMost(Duration.ofSeconds(5)).until(() -> !cooldown.tryStart(key, minute).decidedLocally());
      assertThat(cooldown.tryStart(key, minute).allowed()).as("Redis holds the cooldown now").isFalse();
    }
  }

  @Test
  void aScriptErrorIsThrownNotDecidedLocally(EmbeddedRedis server) {
    try (RedisService redis = start(server)) {
      RateLimiter limiter = RateLimiter.create(redis, FailurePolicy.FAIL_OPEN);
      String hash = redis.keyNames().userPrefs("42");
      redis.hset(hash, "theme", "dark");

      assertThatThrownBy(() -> limiter.tryAcquire(hash, RateLimit.fixedWindow(1, HOUR)))
          .isInstanceOf(RedisCommandExecutionException.class).isNotInstanceOf(RedisUnavailableException.class)
          .hasMessageContaining("WRONGTYPE");
      assertThat(count(redis, "cloutsy.redis.ratelimit.decisions", "allowed")).isZero();
    }
  }
}
