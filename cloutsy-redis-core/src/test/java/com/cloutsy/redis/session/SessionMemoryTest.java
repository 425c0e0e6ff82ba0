package com.cloutsy.redis.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.keys.KeyLayout;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one typical session costs in Redis memory ({@code MEMORY USAGE}), logged at INFO and bounded, for the
 * operations page: the value, plain and encrypted, and its share of the index.
 *
 * <p>Run alone and read the numbers: {@code ./mvnw -B -q -ntp -pl cloutsy-redis-core -am test
 * -Dtest=SessionMemoryTest -Dsurefire.failIfNoSpecifiedTests=false; cat
 * cloutsy-redis-core/target/surefire-reports/com.cloutsy.redis.session.SessionMemoryTest-output.txt}
 */
@RunsAs(LeastPrivilege.SESSIONS)
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionMemoryTest {

  private static final Logger LOG = LoggerFactory.getLogger(SessionMemoryTest.class);
  private static final String USER = "1048576";
  private static final Device TYPICAL = Device.of("3F2504E0-4F89-41D3-9A0C-0305E82C3301",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
          + " Version/17.4 Mobile/15E148 Safari/604.1", UserType.INFLUENCER);

  private final RedisService redis;
  private final RedisClusterCommands<String, String> raw;

  SessionMemoryTest(RedisEndpoint endpoint) {
    redis = TestRedis.start(endpoint, KeyLayout.SEED);
    raw = TestRedis.sync(redis);
  }

  @AfterAll
  void close() {
    redis.close();
  }

  private long memory(String key) {
    return raw.memoryUsage(key);
  }

  @Test
  void aTypicalSessionTakesUnderAKilobyteAndItsIndexEntryUnderEightyBytes() {
    SessionStore plain = SessionStore.create(redis);
    SessionStore encrypted = SessionStore.create(redis, SessionPolicy.defaults().withEncryption(TestKeys.ENCRYPTION));
    String seedKey = redis.keyNames().session("seed-" + USER, SessionStore.newJti());
    raw.set(seedKey, "{\"deviceId\":\"" + TYPICAL.deviceId() + "\",\"userAgent\":\"" + TYPICAL.userAgent()
        + "\",\"createdAt\":\"" + Instant.now() + "\",\"userType\":\"influencer\"}");

    String jti = plain.create(USER, TYPICAL).session().jti();
    long plainValue = memory(redis.keyNames().session(USER, jti));
    long oneEntry = memory(redis.keyNames().sessionIndex(USER));
    for (int i = 0; i < 4; i++) {
      plain.create(USER, TYPICAL);
    }
    long fiveEntries = memory(redis.keyNames().sessionIndex(USER));
    String sealedJti = encrypted.create("sealed-" + USER, TYPICAL).session().jti();
    long encryptedValue = memory(redis.keyNames().session("sealed-" + USER, sealedJti));
    long perEntry = (fiveEntries - oneEntry) / 4;

    LOG.info("MEMORY USAGE of one session (Redis {}, user id {} chars, jti {} chars, user agent {} chars): "
        + "value as the seed writes it {} B, as this store writes it {} B ({} B of JSON), encrypted {} B ({} B); "
        + "index with 1 entry {} B, with 5 entries {} B, so {} B per further entry",
        raw.info("server").replaceFirst("(?s).*redis_version:([^\\r\\n]+).*", "$1"), USER.length(), jti.length(),
        TYPICAL.userAgent().length(), memory(seedKey), plainValue, raw.strlen(redis.keyNames().session(USER, jti)),
        encryptedValue, raw.strlen(redis.keyNames().session("sealed-" + USER, sealedJti)), oneEntry, fiveEntries,
        perEntry);
    assertThat(plainValue).isLessThan(640);
    assertThat(encryptedValue).isLessThan(896);
    assertThat(perEntry).isPositive().isLessThan(80);
  }
}
