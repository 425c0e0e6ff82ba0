package com.cloutsy.redis.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandCallsTest {

  @Test
  void countsWhatTheServerRanBetweenTwoReadingsWithoutItsOwnInfo() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start();
        RespConnection connection = RespConnection.open(redis.host(), redis.port(), Loopback.TIMEOUT)) {
      connection.call("SET", "warm", "1");
      Map<String, Long> before = CommandCalls.parse(String.valueOf(connection.call("INFO", "commandstats")));

      connection.call("SET", "a", "1");
      connection.call("SET", "b", "2");
      connection.call("GET", "a");
      connection.call("EVAL", "return redis.call('INCR', KEYS[1])", "1", "n");
      Map<String, Long> after = CommandCalls.parse(String.valueOf(connection.call("INFO", "commandstats")));

      assertThat(CommandCalls.since(before, after))
          .isEqualTo(Map.of("eval", 1L, "get", 1L, "incr", 1L, "set", 2L));
      assertThat(after).doesNotContainKey("info").containsKey("set");
    }
  }

  @Test
  void readsTheLinesOfRedis62And7() {
    String info = "# Commandstats\r\n"
        + "cmdstat_set:calls=3,usec=12,usec_per_call=4.00\r\n"
        + "cmdstat_EVALSHA:calls=7,usec=70,usec_per_call=10.00,rejected_calls=0,failed_calls=1\r\n"
        + "cmdstat_info:calls=9,usec=90,usec_per_call=10.00\r\n";

    assertThat(CommandCalls.parse(info)).isEqualTo(Map.of("evalsha", 7L, "set", 3L));
  }
}
