package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.cloutsy.redis.config.InvalidSettingException;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import io.lettuce.core.AclSetuserArgs;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestReporter;

/**
 * Credentials in {@code REDIS_URL} against a real server with ACLs: ACL users whose names and passwords hold the
 * characters that break naive URL parsing connect with the URL written raw or percent-encoded; a wrong password and
 * an unusable URL fail with messages that name the user or the setting and never a password. Every log line of this
 * library and of Lettuce (DEBUG included) and every message of the whole cause chain is checked for the passwords.
 * The random users are seeded; rerun a failure with {@code -Dcloutsy.url.seed=<seed>}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UrlCredentialsConnectionTest {

  private static final String ADMIN_PASSWORD = "admin-Secret-77";
  private static final String SEED_PROPERTY = "cloutsy.url.seed";
  private static final long SEED = Long.parseLong(
      System.getProperty(SEED_PROPERTY, String.valueOf(new SecureRandom().nextLong())));
  private static final int RANDOM_USERS = 6;

  /** User name to password: the issue's example, hand-picked hard cases and seeded random ones. */
  private final Map<String, String> users = new LinkedHashMap<>();
  private final EmbeddedRedis server = EmbeddedRedis.builder()
      .user("default", "off")
      .user("admin", "on >" + ADMIN_PASSWORD + " ~* &* +@all")
      .start();

  @BeforeAll
  void createUsers(TestReporter reporter) {
    reporter.publishEntry(SEED_PROPERTY, String.valueOf(SEED));
    System.out.println("UrlCredentialsConnectionTest seed " + SEED + " (rerun with -D" + SEED_PROPERTY + "=" + SEED
        + ")");
    users.put("app", "s3cr/et+K");
    users.put("ops@team", "p@ss:w/rd?#x y%zz");
    users.put("a:b/c", "50%off \u00E9\u4E2D\uD83D\uDE00 #1");
    Random random = new Random(SEED);
    while (users.size() < 3 + RANDOM_USERS) {
      users.put(UrlSecrets.user(random, true) + users.size(), UrlSecrets.password(random));
    }
    try (RedisService admin = RedisService.start(settings("redis://admin:" + ADMIN_PASSWORD + "@"))) {
      users.forEach((user, password) -> admin.connection().sync()
          .aclSetuser(user, AclSetuserArgs.Builder.on().addPassword(password).allKeys().allCommands()));
    }
  }

  @AfterAll
  void close() {
    server.close();
  }

  @Test
  void aclUsersWithAnyCharacterConnectWithTheUrlWrittenRawOrEncoded() {
    try (CapturedLogs logs = CapturedLogs.start()) {
      users.forEach((user, password) -> {
        for (String userInfo : forms(user, password)) {
          try (RedisService redis = RedisService.start(settings("redis://" + userInfo + "@"))) {
            assertThat(redis.ping()).as(userInfo).isPositive();
            redis.set("url:" + user, "works");
            assertThat(redis.get("url:" + user)).as(userInfo).isEqualTo("works");
            assertThat(redis.runtime().await(redis.runtime().commands().aclWhoami())).as(userInfo).isEqualTo(user);
            assertThat(redis.toString() + redis.settings()).doesNotContain(password, UrlSecrets.encode(password));
          }
        }
      });
      assertNoPassword(logs.lines());
      assertThat(logs.lines()).as("the connection events were captured")
          .anyMatch(line -> line.startsWith("Redis ready"));
    }
  }

  @Test
  void aWrongPasswordFailsNamingTheUserButNoPassword() {
    try (CapturedLogs logs = CapturedLogs.start()) {
      List<Throwable> failures = new ArrayList<>();
      users.forEach((user, password) -> {
        String wrong = password.substring(password.offsetByCodePoints(0, 1)) + "\u00E9/";
        Throwable failure = catchThrowable(() -> RedisService.start(
            settings("redis://" + UrlSecrets.encode(user) + ":" + UrlSecrets.encode(wrong) + "@")));

        assertThat(failure).as(user).isInstanceOf(RedisMisconfigurationException.class)
            .hasMessageContaining("refused the credentials of user \"" + user + "\"")
            .hasMessageContaining("WRONGPASS");
        assertThat(chain(failure)).doesNotContain(wrong, UrlSecrets.encode(wrong));
        failures.add(failure);
      });
      failures.forEach(failure -> assertNoPassword(List.of(chain(failure))));
      assertNoPassword(logs.lines());
    }
  }

  @Test
  void anUnusableUrlIsRefusedNamingTheSettingButNoPassword() {
    try (CapturedLogs logs = CapturedLogs.start()) {
      users.forEach((user, password) -> {
        for (String userInfo : forms(user, password)) {
          Throwable refused = catchThrowable(() -> RedisService.start(RedisSettings.fromEnvironment(
              Map.of("REDIS_URL", "redis://" + userInfo + "@" + server.host() + ":port"))));

          assertThat(refused).as(userInfo).isInstanceOf(InvalidSettingException.class)
              .hasMessageStartingWith("REDIS_URL must be redis://").hasNoCause();
          assertThat(refused.getMessage()).contains("redis://****@" + server.host() + ":port");
          assertNoPassword(List.of(chain(refused)));
        }
      });
      assertNoPassword(logs.lines());
    }
  }

  @Test
  void aPasswordAloneIsTheDefaultUsersAsBefore() {
    String password = "only/me@here #\u00E9+";
    try (EmbeddedRedis plain = EmbeddedRedis.start();
        RedisService setup = RedisService.start(RedisSettings.builder().url(plain.uri()).build())) {
      setup.runtime().await(setup.runtime().commands().configSet("requirepass", password));
      for (String userInfo : List.of(":" + password, password, ":" + UrlSecrets.encode(password))) {
        try (RedisService redis = RedisService.start(RedisSettings.builder()
            .url("redis://" + userInfo + "@" + plain.host() + ":" + plain.port()).build())) {
          assertThat(redis.runtime().await(redis.runtime().commands().aclWhoami())).as(userInfo).isEqualTo("default");
        }
      }
    }
  }

  private List<String> forms(String user, String password) {
    String userText = user.indexOf(':') < 0 ? user : UrlSecrets.encode(user);
    return List.of(userText + ":" + password, userText + ":" + UrlSecrets.encode(password),
        UrlSecrets.encode(user) + ":" + UrlSecrets.encode(password));
  }

  private RedisSettings settings(String prefix) {
    return RedisSettings.builder().url(prefix + server.host() + ":" + server.port())
        .connectTimeout(Duration.ofSeconds(2)).commandTimeout(Duration.ofSeconds(1)).build();
  }

  private void assertNoPassword(List<String> texts) {
    for (String text : texts) {
      assertThat(text).doesNotContain(ADMIN_PASSWORD);
      users.values().forEach(password -> assertThat(text).doesNotContain(password, UrlSecrets.encode(password)));
    }
  }

  private static String chain(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      text.append(cause).append('\n');
      for (Throwable suppressed : cause.getSuppressed()) {
        text.append("suppressed: ").append(suppressed).append('\n');
      }
    }
    return text.toString();
  }
}
