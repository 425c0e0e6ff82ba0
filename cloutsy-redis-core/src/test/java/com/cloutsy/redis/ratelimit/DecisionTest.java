package com.cloutsy.redis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionTest {

  @Test
  void readsTheScriptsReplyAsADecisionByRedis() {
    Decision decision = Decision.fromReply(List.of(0L, 100L, 3L, 1_500L, 60_000L));

    assertThat(decision).isEqualTo(
        new Decision(false, 100, 3, Duration.ofMillis(1_500), Duration.ofMinutes(1), false));
    assertThat(Decision.fromReply(List.of(1L, 5L, 4L, 0L, 10L)).allowed()).isTrue();
  }

  @Test
  void aMalformedReplyIsRejected() {
    assertThatThrownBy(() -> Decision.fromReply(List.of(1L, 5L))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a rate-limit reply has 5 integers, got [1, 5]");
    assertThatThrownBy(() -> Decision.fromReply(List.of(1L, 5L, "x", 0L, 0L)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("a rate-limit reply has 5 integers");
    assertThatThrownBy(() -> Decision.fromReply(List.of(1L, 5L, 6L, 0L, 0L)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("need 0 <= remaining <= limit, was remaining 6,"
            + " limit 5");
    assertThatThrownBy(() -> Decision.fromReply(List.of(0L, 5L, 0L, -1L, 0L)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("retryAfter and resetAfter");
  }
}
