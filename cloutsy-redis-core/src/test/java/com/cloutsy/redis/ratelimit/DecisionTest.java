package com.cloutsy.redis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloutsy.redis.script.MalformedReplyException;
import com.cloutsy.redis.script.Reply;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionTest {

  @Test
  void readsTheScriptsReplyAsADecisionByRedis() {
    Decision decision = Decision.fromReply(reply(0L, 100L, 3L, 1_500L, 60_000L));

    assertThat(decision).isEqualTo(
        new Decision(false, 100, 3, Duration.ofMillis(1_500), Duration.ofMinutes(1), false));
    assertThat(Decision.fromReply(reply(1L, 5L, 4L, 0L, 10L)).allowed()).isTrue();
  }

  @Test
  void aMalformedReplyIsRejected() {
    assertThatThrownBy(() -> Decision.fromReply(reply(1L, 5L))).isInstanceOf(MalformedReplyException.class)
        .hasMessage("ratelimit-gcra.lua replied 2 values, expected 5");
    assertThatThrownBy(() -> Decision.fromReply(reply(1L, 5L, "x", 0L, 0L)))
        .isInstanceOf(MalformedReplyException.class)
        .hasMessage("ratelimit-gcra.lua replied a String at position 3, expected an integer");
    assertThatThrownBy(() -> Decision.fromReply(reply(1L, 5L, 6L, 0L, 0L)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("need 0 <= remaining <= limit, was remaining 6,"
            + " limit 5");
    assertThatThrownBy(() -> Decision.fromReply(reply(0L, 5L, 0L, -1L, 0L)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("retryAfter and resetAfter");
  }

  private static Reply reply(Object... values) {
    return Reply.of("ratelimit-gcra.lua", List.of(values));
  }
}
