package com.cloutsy.redis.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What each call costs the server, counted by its own statistics on a dedicated server: {@code get} is one GET,
 * every other call one EVALSHA, and no call sends or loads a script once the first has.
 */
@WithRedis
class SessionStoreRoundTripTest {

  private static final Device PHONE = Device.of("d", "ua", UserType.INFLUENCER);

  /** Calls per command since the last reset, from INFO commandstats, without the INFO and CONFIG calls. */
  private static Map<String, Long> commandCalls(RedisCommands<String, String> admin) {
    Map<String, Long> calls = new TreeMap<>();
    for (String line : admin.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_")) {
        String command = line.substring("cmdstat_".length(), line.indexOf(':'));
        String count = line.replaceFirst("^[^:]+:calls=(\\d+),.*", "$1");
        if (!command.equals("info") && !command.equals("config")) {
          calls.put(command, Long.parseLong(count));
        }
      }
    }
    return calls;
  }

  @Test
  void getIsOneGetAndEveryOtherCallOneEvalsha(EmbeddedRedis server) {
    try (RedisService redis = RedisService.start(RedisSettings.builder().url(server.uri()).build());
        StatefulRedisConnection<String, String> adminConnection = redis.client().connect(redis.redisUri())) {
      RedisCommands<String, String> admin = adminConnection.sync();
      SessionStore store = SessionStore.create(redis);
      SessionStore encrypted = SessionStore.create(redis, SessionPolicy.defaults().withEncryption(TestKeys.ENCRYPTION));
      store.create("42", "warm-up", PHONE);
      store.touch("42", "warm-up");
      store.list("42");
      store.revoke("42", "warm-up");
      store.revokeAll("42");
      store.create("42", "jti-1", PHONE);
      encrypted.create("43", "jti-1", PHONE);

      admin.configResetstat();
      store.get("42", "jti-1");
      encrypted.get("43", "jti-1");
      assertThat(commandCalls(admin)).isEqualTo(Map.of("get", 2L));

      admin.configResetstat();
      store.create("42", "jti-2", PHONE);
      store.touch("42", "jti-2");
      encrypted.touch("43", "jti-1");
      store.list("42");
      store.count("42");
      store.revoke("42", "jti-2");
      store.revokeAllExcept("42", "jti-1");
      store.revokeAll("42");
      Map<String, Long> calls = commandCalls(admin);
      assertThat(calls).as("commands the scripts ran are counted too, but no script was sent or loaded again")
          .containsEntry("evalsha", 8L).doesNotContainKeys("eval", "script");
    }
  }
}
