package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.health.Diagnostics;
import com.cloutsy.redis.health.HealthCheck;
import com.cloutsy.redis.health.HealthReport;
import com.cloutsy.redis.login.LoginGuard;
import com.cloutsy.redis.login.LoginPolicy;
import com.cloutsy.redis.pubsub.EventBus;
import com.cloutsy.redis.script.LuaScript;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * ACL users on a real server, set up as a deployment with ACLs should be: the {@code default} user is off, the
 * application has its own user, and a reporting user may only read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AclTest {

  private static final String APP_PASSWORD = "app-Secret-4711";
  private static final String WRONG_PASSWORD = "not-the-Secret-0815";
  private static final String READER_PASSWORD = "reader-Secret-42";
  private static final String SERVICE_PASSWORD = "service-Secret-1";
  /** The rules docs/OPERATIONS.md recommends for the application's user; keep the two in step. */
  static final String RECOMMENDED_RULES = "~* &* +@all -@dangerous +info +slowlog|get +cluster|info +cluster|nodes"
      + " +cluster|slots +cluster|myid";

  private final EmbeddedRedis server = EmbeddedRedis.builder()
      .user("default", "off")
      .user("app", "on >" + APP_PASSWORD + " ~* &* +@all -@dangerous")
      .user("reader", "on >" + READER_PASSWORD + " ~* +@read +@connection")
      .user("service", "on >" + SERVICE_PASSWORD + " " + RECOMMENDED_RULES)
      .start();

  @AfterAll
  void close() {
    server.close();
  }

  private RedisSettings.Builder as(String user, String password) {
    return RedisSettings.builder().host(server.host()).port(server.port()).username(user).password(password)
        .connectTimeout(Duration.ofSeconds(2)).commandTimeout(Duration.ofSeconds(1));
  }

  @Test
  void theApplicationUserWorksWithItsPassword() {
    try (RedisService redis = RedisService.start(as("app", APP_PASSWORD).build())) {
      redis.set("acl:k", "v");
      assertThat(redis.get("acl:k")).isEqualTo("v");
      java.util.List<Object> counted = redis.runtime().await(redis.scripts().run(LuaScript.load("test-counter.lua"),
          ScriptOutputType.MULTI, new String[] {"acl:counter"}, "60000"));
      assertThat(counted.get(0)).isEqualTo(1L);
    }
  }

  @Test
  void aWrongPasswordIsAnAuthenticationErrorThatNamesTheUserButNotThePassword() {
    assertThatThrownBy(() -> RedisService.start(as("app", WRONG_PASSWORD).build()))
        .isInstanceOf(RedisMisconfigurationException.class)
        .hasMessageContaining("refused the credentials of user \"app\"")
        .hasMessageContaining("WRONGPASS")
        .hasMessageContaining("REDIS_USERNAME and REDIS_PASSWORD")
        .satisfies(failure -> assertThat(String.valueOf(failure)).doesNotContain(WRONG_PASSWORD))
        .satisfies(failure -> {
          for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            assertThat(String.valueOf(cause.getMessage())).doesNotContain(WRONG_PASSWORD, APP_PASSWORD);
          }
        });
  }

  @Test
  void theDisabledDefaultUserCannotBeFallenBackTo() {
    // No user name: Lettuce authenticates as "default", which is off; nothing silently works without credentials.
    assertThatThrownBy(() -> RedisService.start(RedisSettings.fromEnvironment(Map.of(
            "REDIS_HOST", server.host(), "REDIS_PORT", String.valueOf(server.port()), "REDIS_PASSWORD", APP_PASSWORD))))
        .isInstanceOf(RedisMisconfigurationException.class)
        .hasMessageContaining("user \"default\"");
    assertThatThrownBy(() -> RedisService.start(RedisSettings.builder().host(server.host()).port(server.port())
            .connectTimeout(Duration.ofSeconds(2)).build()).set("k", "v"))
        .isInstanceOf(RedisMisconfigurationException.class)
        .hasMessageContaining("NOAUTH");
  }

  @Test
  void aCommandTheUserHasNoRightToIsAClearNopermErrorNamingTheUser() {
    try (RedisService redis = RedisService.start(as("reader", READER_PASSWORD).build())) {
      assertThat(redis.get("acl:missing")).isNull();

      assertThatThrownBy(() -> redis.set("acl:k", "v"))
          .isInstanceOf(RedisMisconfigurationException.class)
          .hasMessageContaining("refused ACL user \"reader\"")
          .hasMessageContaining("NOPERM")
          .hasMessageContaining("'set'")
          .hasCauseInstanceOf(RedisCommandExecutionException.class);
      assertThatThrownBy(() -> redis.runtime().await(redis.scripts().run(LuaScript.load("test-counter.lua"),
          ScriptOutputType.MULTI, new String[] {"acl:counter"}, "60000")))
          .isInstanceOf(RedisMisconfigurationException.class)
          .hasMessageContaining("NOPERM");
    }
    try (RedisService app = RedisService.start(as("app", APP_PASSWORD).build())) {
      assertThatThrownBy(() -> app.runtime().await(app.runtime().commands().flushall()))
          .isInstanceOf(RedisMisconfigurationException.class)
          .hasMessageContaining("refused ACL user \"app\": NOPERM");
    }
  }

  @Test
  void theRecommendedRulesLetEveryCapabilityWorkButNotFlushOrReconfigure() {
    try (RedisService redis = RedisService.start(as("service", SERVICE_PASSWORD).build());
        HealthCheck health = HealthCheck.create(redis);
        EventBus bus = EventBus.create(redis)) {
      HealthReport report = health.health();
      assertThat(report.reasons()).as(report.toString()).isEmpty();

      LoginGuard guard = LoginGuard.create(redis, LoginPolicy.defaults());
      assertThat(guard.check("alice@example.com", "10.0.0.1").isAllowed()).isTrue();
      java.util.List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
      bus.subscribe("acl:news", String.class, (channel, event) -> received.add(event));
      bus.publish("acl:news", "hello");
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> received.contains("hello"));
      Diagnostics diagnostics = Diagnostics.create(redis);
      assertThat(diagnostics.keyspaceSummary().keysSampled()).isPositive();
      assertThat(diagnostics.bigKeys(100).keysSampled()).isPositive();
      assertThatCode(() -> diagnostics.slowlog(10)).as("SLOWLOG GET is granted").doesNotThrowAnyException();
      assertThat(redis.runtime().await(redis.runtime().awaitReplicas("acl:k", 1, Duration.ofMillis(10)))).isZero();

      assertThatThrownBy(() -> redis.runtime().await(redis.runtime().commands().flushdb()))
          .hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> redis.runtime().await(redis.runtime().commands().configSet("maxmemory", "1")))
          .hasMessageContaining("NOPERM");
    }
  }
}
