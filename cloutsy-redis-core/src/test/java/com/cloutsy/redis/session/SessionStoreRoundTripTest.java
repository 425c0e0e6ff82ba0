package com.cloutsy.redis.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.CommandStats;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What each call costs the server, counted by its own statistics on a dedicated server: {@code get} is one GET and
 * one PTTL sent together (the remaining TTL is the server's, issue 18), every other call one EVALSHA, and no call
 * sends or loads a script once the first has.
 */
@WithRedis
class SessionStoreRoundTripTest {

  private static final Device PHONE = Device.of("d", "ua", UserType.INFLUENCER);

  @Test
  void getIsOneGetAndOnePttlAndEveryOtherCallOneEvalsha(EmbeddedRedis server) {
    try (CommandStats stats = CommandStats.start(RedisSettings.builder().url(server.uri()).build())) {
      SessionStore store = SessionStore.create(stats.measured());
      SessionStore encrypted = SessionStore.create(stats.measured(),
          SessionPolicy.defaults().withEncryption(TestKeys.ENCRYPTION));
      store.create("42", "warm-up", PHONE);
      store.touch("42", "warm-up");
      store.list("42");
      store.revoke("42", "warm-up");
      store.revokeAll("42");
      store.create("42", "jti-1", PHONE);
      encrypted.create("43", "jti-1", PHONE);

      CommandStats.Delta reads = stats.during(() -> {
        store.get("42", "jti-1");
        encrypted.get("43", "jti-1");
      });
      assertThat(reads.calls()).isEqualTo(Map.of("get", 2L, "pttl", 2L));
      assertThat(reads.roundTrips()).as("commands sent: GET and PTTL of each get").isEqualTo(4);

      CommandStats.Delta writes = stats.during(() -> {
        store.create("42", "jti-2", PHONE);
        store.touch("42", "jti-2");
        encrypted.touch("43", "jti-1");
        store.list("42");
        store.count("42");
        store.revoke("42", "jti-2");
        store.revokeAllExcept("42", "jti-1");
        store.revokeAll("42");
      });
      // Redis 7 names subcommands in its statistics ("script|load"), Redis 6 only the command.
      assertThat(writes.calls()).as("commands the scripts ran are counted too, but no script was sent or loaded again")
          .containsEntry("evalsha", 8L).doesNotContainKeys("eval", "script", "script|load");
      assertThat(writes.roundTrips()).isEqualTo(8);
    }
  }
}
