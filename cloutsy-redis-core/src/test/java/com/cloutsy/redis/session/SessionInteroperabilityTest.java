package com.cloutsy.redis.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.keys.KeyLayout;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A service still on the seed's NestJS code and this store share sessions both ways: the seed's writes are issued
 * exactly as its TypeScript does ({@code MULTI}, {@code SET session:<userId>:<jti> <json> EX 604800},
 * {@code SADD sessions:<userId> <jti>}, {@code EXEC}), as raw commands on a connection of their own, with keys
 * spelled as the seed spells them, in the seed layout without a prefix.
 */
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionInteroperabilityTest {

  private static final long SEVEN_DAYS = 604_800;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final RedisService redis;
  private final SessionStore store;
  private final StatefulRedisConnection<String, String> seedConnection;
  private final RedisCommands<String, String> seed;

  SessionInteroperabilityTest(RedisEndpoint endpoint) {
    redis = RedisService.start(TestRedis.settings(endpoint).keyPrefix("").keyLayout(KeyLayout.SEED).build());
    store = SessionStore.create(redis);
    seedConnection = redis.client().connect(redis.redisUri());
    seed = seedConnection.sync();
  }

  @AfterAll
  void close() {
    seedConnection.close();
    redis.close();
  }

  /** The seed's {@code new Date().toISOString()}: UTC, always three fraction digits. */
  private static String toIsoString(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MILLIS).toString().replaceFirst("(\\d\\d:\\d\\d:\\d\\d)Z$", "$1.000Z");
  }

  /** The seed's session write, command for command. */
  private void seedCreates(String userId, String jti, String deviceId, String userAgent, String userType,
      Instant createdAt) {
    String sessionData = "{\"deviceId\":\"" + deviceId + "\",\"userAgent\":\"" + userAgent + "\",\"createdAt\":\""
        + toIsoString(createdAt) + "\",\"userType\":\"" + userType + "\"}";
    seed.multi();
    seed.set("session:" + userId + ":" + jti, sessionData, SetArgs.Builder.ex(SEVEN_DAYS));
    seed.sadd("sessions:" + userId, jti);
    TransactionResult result = seed.exec();
    assertThat(result.wasDiscarded()).isFalse();
    assertThat(result.<String>get(0)).isEqualTo("OK");
  }

  private static String newUser() {
    return "seed-" + UUID.randomUUID();
  }

  @Test
  void theSeedsKeysAreTheStoresKeys() {
    assertThat(redis.keyNames().session("42", "abc")).isEqualTo("session:42:abc");
    assertThat(redis.keyNames().sessionIndex("42")).isEqualTo("sessions:42");
  }

  @Test
  void sessionsTheSeedWroteAreReadListedTouchedAndRevoked() {
    String user = newUser();
    Instant createdAt = Instant.now().minusSeconds(60);
    seedCreates(user, "jti-phone", "android-9", "okhttp/4.12", "influencer", createdAt);
    seedCreates(user, "jti-web", "web-1", "Mozilla/5.0", "influencer", createdAt.plusSeconds(1));

    Session phone = store.get(user, "jti-phone").orElseThrow();
    assertThat(phone.device()).isEqualTo(Device.of("android-9", "okhttp/4.12", UserType.INFLUENCER));
    assertThat(phone.createdAt()).isEqualTo(createdAt.truncatedTo(ChronoUnit.MILLIS));
    assertThat(phone.lastSeenAt()).isEqualTo(phone.createdAt());
    assertThat(phone.remainingTtl()).as("from PTTL, as the value does not record it")
        .isBetween(Duration.ofSeconds(SEVEN_DAYS - 10), Duration.ofSeconds(SEVEN_DAYS));
    assertThat(store.list(user)).extracting(Session::jti).containsExactly("jti-phone", "jti-web");
    assertThat(store.count(user)).isEqualTo(2);

    Session touched = store.touch(user, "jti-phone").orElseThrow();
    assertThat(touched.lastSeenAt()).isAfter(phone.createdAt());
    JsonNode stored = JSON.readTree(seed.get("session:" + user + ":jti-phone"));
    assertThat(stored.get("createdAt").stringValue()).isEqualTo(toIsoString(createdAt));
    assertThat(stored.get("deviceId").stringValue()).isEqualTo("android-9");
    assertThat(stored.get("absoluteExpiresAt").stringValue())
        .isEqualTo(toIsoString(createdAt.plus(SessionPolicy.DEFAULT_ABSOLUTE_LIFETIME)));

    assertThat(store.revoke(user, "jti-phone")).isTrue();
    assertThat(seed.get("session:" + user + ":jti-phone")).isNull();
    assertThat(seed.smembers("sessions:" + user)).containsExactly("jti-web");
    assertThat(store.revokeAll(user)).isEqualTo(1);
    assertThat(seed.exists("session:" + user + ":jti-web", "sessions:" + user)).isZero();
  }

  @Test
  void whatTheStoreWritesIsWhatTheSeedReads() {
    String user = newUser();
    store.create(user, "jti-1", Device.of("ios-7", "Cloutsy/3.2", UserType.BRAND));

    String sessionData = seed.get("session:" + user + ":jti-1");
    JsonNode session = JSON.readTree(sessionData);
    assertThat(session.get("deviceId").stringValue()).isEqualTo("ios-7");
    assertThat(session.get("userAgent").stringValue()).isEqualTo("Cloutsy/3.2");
    assertThat(session.get("userType").stringValue()).isEqualTo("brand");
    assertThat(session.get("createdAt").stringValue()).as("as toISOString() prints it")
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(Instant.parse(session.get("createdAt").stringValue()))
        .isBetween(Instant.now().minusSeconds(10), Instant.now().plusSeconds(10));
    assertThat(seed.smembers("sessions:" + user)).containsExactly("jti-1");
    assertThat(seed.ttl("session:" + user + ":jti-1")).isBetween(SEVEN_DAYS - 10, SEVEN_DAYS);

    seed.multi();
    seed.del("session:" + user + ":jti-1");
    seed.srem("sessions:" + user, "jti-1");
    seed.exec();
    assertThat(store.get(user, "jti-1")).as("revoked by the seed's code").isEmpty();
  }

  @Test
  void aSeedSessionWithoutAUserAgentIsReadWithAnEmptyOne() {
    String user = newUser();
    // JSON.stringify drops a field whose value is undefined.
    seed.set("session:" + user + ":j", "{\"deviceId\":\"d\",\"createdAt\":\"" + toIsoString(Instant.now())
        + "\",\"userType\":\"brand\"}", SetArgs.Builder.ex(SEVEN_DAYS));

    assertThat(store.get(user, "j").orElseThrow().userAgent()).isEmpty();
  }

  @Test
  void aSeedSessionOlderThanTheAbsoluteLifetimeEndsAtItsNextTouch() {
    String user = newUser();
    SessionStore strict = SessionStore.create(redis, SessionPolicy.defaults().withFixedLifetime(Duration.ofDays(1)));
    seedCreates(user, "old", "d", "ua", "influencer", Instant.now().minus(Duration.ofDays(2)));
    seedCreates(user, "young", "d", "ua", "influencer", Instant.now().minus(Duration.ofHours(1)));

    assertThat(strict.touch(user, "old")).isEmpty();
    Session young = strict.touch(user, "young").orElseThrow();

    assertThat(seed.exists("session:" + user + ":old")).isZero();
    assertThat(seed.smembers("sessions:" + user)).containsExactly("young");
    assertThat(young.remainingTtl()).as("capped at createdAt + 1 day")
        .isBetween(Duration.ofHours(22), Duration.ofHours(23));
  }

  @Test
  void seedAndStoreSessionsOfOneUserLiveSideBySide() {
    String user = newUser();
    seedCreates(user, "from-seed", "d1", "ua1", "brand", Instant.now());
    store.create(user, "from-java", Device.of("d2", "ua2", UserType.BRAND));

    assertThat(seed.smembers("sessions:" + user)).containsExactlyInAnyOrder("from-seed", "from-java");
    assertThat(store.list(user)).extracting(Session::deviceId).containsExactlyInAnyOrder("d1", "d2");
    assertThat(store.revokeAllExcept(user, "from-seed")).isEqualTo(1);
    assertThat(seed.smembers("sessions:" + user)).containsExactly("from-seed");
    assertThat(seed.get("session:" + user + ":from-seed")).isNotNull();
    assertThat(seed.exists("session:" + user + ":from-java")).isZero();
  }
}
