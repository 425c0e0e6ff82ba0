package com.cloutsy.redis;

import static java.util.concurrent.CompletableFuture.completedFuture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.cache.CachePolicy;
import com.cloutsy.redis.cache.RedisCache;
import com.cloutsy.redis.config.HmacKey;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.health.HealthCheck;
import com.cloutsy.redis.health.HealthProblem;
import com.cloutsy.redis.health.HealthReport;
import com.cloutsy.redis.health.HealthStatus;
import com.cloutsy.redis.login.LoginGuard;
import com.cloutsy.redis.login.LoginPolicy;
import com.cloutsy.redis.otp.OtpGuard;
import com.cloutsy.redis.otp.OtpPolicy;
import com.cloutsy.redis.otp.OtpSecret;
import com.cloutsy.redis.ratelimit.FailurePolicy;
import com.cloutsy.redis.ratelimit.RateLimit;
import com.cloutsy.redis.ratelimit.RateLimiter;
import com.cloutsy.redis.session.Device;
import com.cloutsy.redis.session.SessionStore;
import com.cloutsy.redis.session.UserType;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, point 2: a service started while its Redis is down. Eager (the default) fails fast as before; lazy
 * ({@code REDIS_LAZY_CONNECT}) starts, lets each capability apply its failure policy, reports DOWN with the reason, and
 * connects on its own within the reconnect delay cap once a server listens on the port.
 */
@WithRedis
class LazyStartTest {

  /** Time for the next attempt (at most the reconnect cap apart) plus the connect itself on a busy machine. */
  private static final Duration CONNECTS_WITHIN = ClientSetup.MAX_RECONNECT_DELAY.plusMillis(500);
  private static final Device PHONE = Device.of("phone-1", "test agent", UserType.INFLUENCER);
  private static final RateLimit ONE_PER_HOUR = RateLimit.of(1, Duration.ofHours(1));

  private static RedisSettings.Builder settings(EmbeddedRedis server) {
    return RedisSettings.builder().url(server.uri()).keyPrefix(TestRedis.freshPrefix())
        .connectTimeout(Duration.ofSeconds(1)).commandTimeout(Duration.ofMillis(500));
  }

  @Test
  void anEagerStartStillFailsFastWithTheMessageItHadBefore(EmbeddedRedis server) {
    server.stop();

    assertThatThrownBy(() -> RedisService.start(settings(server).build()))
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageStartingWith("Could not connect to Redis at 127.0.0.1:" + server.port() + " within 1000 ms");
    assertThat(RedisSettings.fromEnvironment(Map.of()).lazyConnect()).as("eager by default").isFalse();
    assertThat(RedisSettings.fromEnvironment(Map.of("REDIS_LAZY_CONNECT", "true")).lazyConnect()).isTrue();
  }

  @Test
  void aLazyStartServesByEachPolicyWithoutRedisAndConnectsOnceRedisAppears(EmbeddedRedis server) {
    server.stop();
    try (RedisService redis = RedisService.start(settings(server).lazyConnect(true).build());
        HealthCheck health = HealthCheck.create(redis);
        RedisCache cache = RedisCache.create(redis, "users", CachePolicy.of(Duration.ofMinutes(5)))) {
      RateLimiter failOpen = RateLimiter.create(redis, FailurePolicy.FAIL_OPEN);
      RateLimiter failClosed = RateLimiter.create(redis);
      OtpGuard otp = OtpGuard.create(redis, OtpPolicy.defaults(OtpSecret.of(HmacKey.generate())),
          message -> completedFuture(null));
      LoginGuard login = LoginGuard.create(redis, LoginPolicy.defaults(), HmacKey.generate());
      SessionStore sessions = SessionStore.create(redis);
      AtomicInteger loads = new AtomicInteger();

      assertThat(redis.isConnected()).isFalse();
      HealthReport down = health.health();
      assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
      assertThat(down.reasons()).extracting(HealthReport.Reason::problem).containsExactly(HealthProblem.UNREACHABLE);
      assertThat(down.reasons().get(0).detail()).contains("not connected yet", "127.0.0.1:" + server.port());
      assertThat(cache.getOrLoad("user:1", String.class, () -> "loaded " + loads.incrementAndGet()))
          .as("the cache degrades to its loader").isEqualTo("loaded 1");
      assertThat(failOpen.tryAcquire("api:feed", ONE_PER_HOUR).allowed()).as("fail-open decides locally").isTrue();
      assertThatThrownBy(() -> failClosed.tryAcquire("api:feed", ONE_PER_HOUR))
          .isInstanceOf(RedisUnavailableException.class);
      assertThatThrownBy(() -> otp.request("+15550100")).isInstanceOf(RedisUnavailableException.class);
      assertThatThrownBy(() -> login.check("alice", "10.0.0.1")).isInstanceOf(RedisUnavailableException.class);
      assertThatThrownBy(() -> sessions.create("42", "jti-1", PHONE))
          .isInstanceOf(RedisUnavailableException.class)
          .hasMessageContaining("not connected yet");

      server.restart();

      await().atMost(CONNECTS_WITHIN).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
          .until(() -> sessions.create("42", "jti-1", PHONE) != null);
      assertThat(redis.isConnected()).isTrue();
      assertThat(sessions.get("42", "jti-1")).isPresent();
      assertThat(failClosed.tryAcquire("api:feed", ONE_PER_HOUR).allowed()).isTrue();
      assertThat(failClosed.tryAcquire("api:feed", ONE_PER_HOUR).allowed()).as("counted in Redis").isFalse();
      assertThat(login.check("alice", "10.0.0.1").lockedBy()).isNull();
      assertThat(health.health().status()).isEqualTo(HealthStatus.UP);
      // The cache's own connection opens once the service is connected: its entries are stored again. Each attempt
      // takes a fresh key, since an attempt that meets the connection while it opens stores its second loader's value.
      AtomicInteger attempt = new AtomicInteger();
      await().atMost(CONNECTS_WITHIN).until(() -> {
        String key = "user:" + (2 + attempt.getAndIncrement());
        cache.getOrLoad(key, String.class, () -> "stored");
        return "stored".equals(cache.getOrLoad(key, String.class, () -> "not from Redis"));
      });
    }
  }

  @Test
  void aLazyServiceThatNeverConnectedClosesCleanly(EmbeddedRedis server) {
    server.stop();
    RedisService redis = RedisService.start(settings(server).lazyConnect(true).build());
    redis.close();
    server.restart();

    assertThat(redis.isConnected()).isFalse();
    assertThatThrownBy(() -> redis.get("any")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }
}
