package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.cache.CachePolicy;
import com.cloutsy.redis.cache.RedisCache;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.health.HealthCheck;
import com.cloutsy.redis.health.HealthProblem;
import com.cloutsy.redis.health.HealthReport;
import com.cloutsy.redis.ratelimit.Cooldown;
import com.cloutsy.redis.ratelimit.FailurePolicy;
import com.cloutsy.redis.ratelimit.RateLimit;
import com.cloutsy.redis.ratelimit.RateLimiter;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A refused credential or ACL right is a misconfiguration, not an outage: with real ACL users, neither a fail-open
 * limiter nor the cache degrades on it, health says which, and a password changed under a running service is named
 * as such when the reconnect is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MisconfigurationTest {

  private static final String ADMIN_PASSWORD = "admin-Secret-1";
  private static final String LIMITED_PASSWORD = "limited-Secret-2";
  private static final String ROTATING_PASSWORD = "rotating-Secret-3";
  private static final RateLimit LIMIT = RateLimit.of(100, Duration.ofMinutes(1));

  private final EmbeddedRedis server = EmbeddedRedis.builder()
      .user("default", "off")
      .user("admin", "on >" + ADMIN_PASSWORD + " ~* &* +@all")
      .user("limited", "on >" + LIMITED_PASSWORD + " ~* &* +@all -evalsha -eval -get")
      .user("rotating", "on >" + ROTATING_PASSWORD + " ~* &* +@all -@dangerous +info +client")
      .start();
  private final RedisClient adminClient = RedisClient.create(RedisURI.builder().withHost(server.host())
      .withPort(server.port()).withAuthentication("admin", ADMIN_PASSWORD).build());
  private final StatefulRedisConnection<String, String> adminConnection = adminClient.connect();
  private final RedisCommands<String, String> admin = adminConnection.sync();

  @AfterAll
  void close() {
    adminConnection.close();
    adminClient.shutdown();
    server.close();
  }

  private RedisSettings as(String user, String password) {
    return RedisSettings.builder().host(server.host()).port(server.port()).username(user).password(password)
        .connectTimeout(Duration.ofSeconds(2)).commandTimeout(Duration.ofSeconds(1))
        .retryDelayOnFailover(Duration.ofMillis(20)).build();
  }

  @Test
  void aMissingRightIsNeitherDecidedLocallyNorBypassedByTheCacheRegression16() {
    try (RedisService redis = RedisService.start(as("limited", LIMITED_PASSWORD));
        HealthCheck health = HealthCheck.create(redis)) {
      RateLimiter limiter = RateLimiter.create(redis, FailurePolicy.FAIL_OPEN);
      Cooldown cooldown = Cooldown.create(redis, FailurePolicy.FAIL_OPEN);
      RedisCache cache = RedisCache.create(redis, "acl", CachePolicy.of(Duration.ofMinutes(1)));
      AtomicInteger loads = new AtomicInteger();

      assertThatThrownBy(() -> limiter.tryAcquire("acl:limit", LIMIT))
          .isInstanceOf(RedisMisconfigurationException.class)
          .hasMessageContaining("refused ACL user \"limited\": NOPERM");
      assertThatThrownBy(() -> limiter.tryAcquireAsync("acl:limit", LIMIT).toCompletableFuture().join())
          .hasCauseInstanceOf(RedisMisconfigurationException.class);
      assertThatThrownBy(() -> cooldown.tryStart("acl:cooldown", Duration.ofSeconds(30)))
          .isInstanceOf(RedisMisconfigurationException.class);
      assertThatThrownBy(() -> cache.getOrLoad(redis.keyNames().cache("acl", "1"), String.class, () -> {
        loads.incrementAndGet();
        return "loaded";
      })).isInstanceOf(RedisMisconfigurationException.class).hasMessageContaining("NOPERM");
      assertThat(loads).as("the loader is not a silent way around a wrong ACL").hasValue(0);

      HealthReport report = health.health();
      assertThat(report.isUp()).isFalse();
      assertThat(report.has(HealthProblem.NOPERM)).as(report.toString()).isTrue();
    }
  }

  @Test
  void aWrongPasswordAtStartUpIsAMisconfigurationNamingTheUserOnly() {
    assertThatThrownBy(() -> RedisService.start(as("limited", "not-" + LIMITED_PASSWORD)))
        .isInstanceOf(RedisMisconfigurationException.class)
        .hasMessageContaining("refused the credentials of user \"limited\"", "WRONGPASS")
        .satisfies(failure -> {
          for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            assertThat(String.valueOf(cause.getMessage())).doesNotContain(LIMITED_PASSWORD);
          }
        });
  }

  @Test
  void aPasswordChangedUnderARunningServiceIsNamedWhenTheReconnectIsRefusedRegression16() {
    try (RedisService redis = RedisService.start(as("rotating", ROTATING_PASSWORD));
        HealthCheck health = HealthCheck.create(redis)) {
      RateLimiter limiter = RateLimiter.create(redis, FailurePolicy.FAIL_OPEN);
      assertThat(limiter.tryAcquire("acl:rotating", LIMIT).decidedLocally()).isFalse();

      admin.aclSetuser("rotating", AclSetuserArgs.Builder.resetpass().addPassword("rotated-4"));
      admin.clientKill(KillArgs.Builder.user("rotating"));

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThatThrownBy(() -> limiter.tryAcquire("acl:rotating", LIMIT))
              .isInstanceOf(RedisMisconfigurationException.class)
              .hasMessageContaining("refused the credentials of user \"rotating\" when reconnecting", "WRONGPASS")
              .hasMessageNotContaining("rotated-4"));
      // The health check hears of the refused reconnect from Lettuce's event bus, which may deliver it to the
      // service a moment before the check.
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        HealthReport down = health.health();
        assertThat(down.has(HealthProblem.AUTHENTICATION)).as(down.toString()).isTrue();
      });

      admin.aclSetuser("rotating", AclSetuserArgs.Builder.addPassword(ROTATING_PASSWORD));
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
          .until(() -> !limiter.tryAcquire("acl:rotating", LIMIT).decidedLocally());
      assertThat(health.health().isUp()).isTrue();
    }
  }

  @Test
  void aServerThatStartsAskingForAPasswordIsNoauthNotAnOutageRegression16() {
    try (EmbeddedRedis open = EmbeddedRedis.start();
        RedisService redis = RedisService.start(RedisSettings.builder().host(open.host()).port(open.port())
            .connectTimeout(Duration.ofSeconds(2)).commandTimeout(Duration.ofSeconds(1))
            .retryDelayOnFailover(Duration.ofMillis(20)).build());
        HealthCheck health = HealthCheck.create(redis)) {
      RateLimiter limiter = RateLimiter.create(redis, FailurePolicy.FAIL_OPEN);
      assertThat(limiter.tryAcquire("noauth:k", LIMIT).decidedLocally()).isFalse();
      RedisClient client = RedisClient.create(RedisURI.create(open.uri()));
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        connection.sync().configSet("requirepass", "now-required-5");
        connection.sync().clientKill(KillArgs.Builder.typeNormal().skipme());
      } finally {
        client.shutdown();
      }

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThatThrownBy(() -> limiter.tryAcquire("noauth:k", LIMIT))
              .isInstanceOf(RedisMisconfigurationException.class).hasMessageContaining("NOAUTH"));
      assertThat(health.health().has(HealthProblem.AUTHENTICATION)).isTrue();
    }
  }
}
