package com.cloutsy.redis.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisMatrix;
import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Seeded randomized test of the touch script's JSON editing: for values of every shape another service could
 * write, touch changes the three time fields and leaves every other member byte for byte as it was.
 */
@RunsAs(LeastPrivilege.SESSIONS)
@RedisMatrix(topologies = {Topology.SINGLE, Topology.CLUSTER})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionTouchTest {

  private static final long SEED = 20_250_301L;
  private static final int VALUES = 300;
  private static final List<String> OWN_TIMES = List.of("lastSeenAt", "expiresAt", "absoluteExpiresAt");
  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  private static final String[] SPACES = {"", "", " ", "\n", "\t", "\r\n  "};
  private static final String[] CHARS = {"a", "Z", "0", " ", "\\\"", "\\\\", "\\/", "{", "}", "[", "]", ",", ":",
      "\\n", "\\t", "\\u0001", "\\u00e9", "\u00e9", "\u4e2d", "\\ud83d\\ude00", "\ud83d\ude00", "lastSeenAt"};

  private final RedisService redis;
  private final RedisClusterCommands<String, String> raw;
  private final SessionStore store;

  SessionTouchTest(RedisEndpoint endpoint) {
    redis = TestRedis.start(endpoint);
    raw = TestRedis.sync(redis);
    store = SessionStore.create(redis);
  }

  @AfterAll
  void close() {
    redis.close();
  }

  @Test
  void touchRewritesOnlyItsOwnFieldsWhateverElseTheValueHolds() {
    Random random = new Random(SEED);
    for (int i = 0; i < VALUES; i++) {
      List<String> foreign = new ArrayList<>();
      for (int m = random.nextInt(6); m > 0; m--) {
        foreign.add(member(random, "f" + m + string(random), value(random, 0)));
      }
      List<String> members = new ArrayList<>(foreign);
      members.add(member(random, "deviceId", "\"d" + i + "\""));
      members.add(member(random, "createdAt", "\"" + Instant.now() + "\""));
      members.add(member(random, "userType", "\"brand\""));
      if (random.nextBoolean()) {
        members.add(member(random, "lastSeenAt", "\"2000-01-01T00:00:00Z\""));
      }
      Collections.shuffle(members, random);
      String value = space(random) + "{" + space(random) + String.join("," + space(random), members) + space(random)
          + "}" + space(random);
      String key = redis.keyNames().session("u", "jti-" + i);
      raw.set(key, value);

      assertThat(store.touch("u", "jti-" + i)).as(value).isPresent();

      String touched = raw.get(key);
      for (String member : foreign) {
        assertThat(touched).as(value).contains(member);
      }
      ObjectNode before = (ObjectNode) JSON.readTree(value);
      ObjectNode after = (ObjectNode) JSON.readTree(touched);
      assertThat(after.propertyNames()).as(touched).containsAll(OWN_TIMES);
      before.remove(OWN_TIMES);
      after.remove(OWN_TIMES);
      assertThat(after).as(touched).isEqualTo(before);
    }
  }

  private static String member(Random random, String name, String value) {
    return "\"" + name + "\"" + space(random) + ":" + space(random) + value;
  }

  private static String value(Random random, int depth) {
    switch (random.nextInt(depth >= 3 ? 4 : 6)) {
      case 0:
        return "\"" + string(random) + "\"";
      case 1:
        return random.nextBoolean() ? Long.toString(random.nextLong()) : "-12345678901234567890123456789";
      case 2:
        return List.of("0", "-0.0", "1.5e3", "2E-7", "0.1000000000000000055511151231257827", "1e308")
            .get(random.nextInt(6));
      case 3:
        return List.of("true", "false", "null").get(random.nextInt(3));
      case 4: {
        List<String> items = new ArrayList<>();
        for (int n = random.nextInt(4); n > 0; n--) {
          items.add(value(random, depth + 1));
        }
        return "[" + space(random) + String.join("," + space(random), items) + space(random) + "]";
      }
      default: {
        List<String> fields = new ArrayList<>();
        for (int n = random.nextInt(4); n > 0; n--) {
          fields.add(member(random, "k" + n + string(random), value(random, depth + 1)));
        }
        return "{" + space(random) + String.join("," + space(random), fields) + space(random) + "}";
      }
    }
  }

  private static String string(Random random) {
    StringBuilder text = new StringBuilder();
    for (int n = random.nextInt(6); n > 0; n--) {
      text.append(CHARS[random.nextInt(CHARS.length)]);
    }
    return text.toString();
  }

  private static String space(Random random) {
    return SPACES[random.nextInt(SPACES.length)];
  }
}
