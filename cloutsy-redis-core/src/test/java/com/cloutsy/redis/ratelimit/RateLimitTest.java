package com.cloutsy.redis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  @Test
  void ofIsGcraWithoutBurstAndFactoriesNameTheirAlgorithm() {
    assertThat(RateLimit.of(100, MINUTE)).isEqualTo(new RateLimit(100, MINUTE, 0, Algorithm.GCRA))
        .isEqualTo(RateLimit.gcra(100, MINUTE));
    assertThat(RateLimit.fixedWindow(5, MINUTE).algorithm()).isEqualTo(Algorithm.FIXED_WINDOW);
    assertThat(RateLimit.slidingWindow(5, MINUTE).algorithm()).isEqualTo(Algorithm.SLIDING_WINDOW);
  }

  @Test
  void copiesChangeOneComponent() {
    RateLimit bursty = RateLimit.of(100, MINUTE).withBurst(20);

    assertThat(bursty).isEqualTo(new RateLimit(100, MINUTE, 20, Algorithm.GCRA));
    assertThat(bursty.capacity()).isEqualTo(120);
    assertThat(RateLimit.of(100, MINUTE).withAlgorithm(Algorithm.SLIDING_WINDOW))
        .isEqualTo(RateLimit.slidingWindow(100, MINUTE));
  }

  @Test
  void gcraSpacesPermitsByTheWindowOverTheLimitRoundedUp() {
    assertThat(RateLimit.of(100, MINUTE).emissionIntervalMicros()).isEqualTo(600_000);
    assertThat(RateLimit.of(3, Duration.ofMillis(1)).emissionIntervalMicros()).isEqualTo(334);
    assertThat(RateLimit.of(1_000, Duration.ofMillis(1)).emissionIntervalMicros()).isEqualTo(1);
  }

  @Test
  void badLimitsAreRejectedWithAClearMessage() {
    assertThatThrownBy(() -> RateLimit.of(0, MINUTE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be 1-1000000000000, was 0");
    assertThatThrownBy(() -> RateLimit.fixedWindow(-3, MINUTE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be 1-1000000000000, was -3");
    assertThatThrownBy(() -> RateLimit.of(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window must be 1 ms to 366 days, was PT0S");
    assertThatThrownBy(() -> RateLimit.of(1, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window must be 1 ms to 366 days, was PT-1S");
    assertThatThrownBy(() -> RateLimit.of(1, Duration.ofNanos(999_999))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("window must be 1 ms to 366 days");
    assertThatThrownBy(() -> RateLimit.of(1, Duration.ofDays(367))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window must be 1 ms to 366 days, was PT8808H");
    assertThatThrownBy(() -> RateLimit.of(1, MINUTE).withBurst(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("burst must be 0-1000000000000, was -1");
    assertThatThrownBy(() -> RateLimit.slidingWindow(10, MINUTE).withBurst(5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("burst applies to GCRA only; SLIDING_WINDOW admits exactly limit per window");
    assertThatThrownBy(() -> RateLimit.of(10, MINUTE).withBurst(5).withAlgorithm(Algorithm.FIXED_WINDOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("burst applies to GCRA only");
    assertThatThrownBy(() -> RateLimit.of(2_000, Duration.ofMillis(1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("GCRA needs at least 1 µs per permit, but window PT0.001S / limit 2000 is less");
    assertThatThrownBy(() -> new RateLimit(1, null, 0, Algorithm.GCRA)).isInstanceOf(NullPointerException.class)
        .hasMessage("window must not be null");
    assertThatThrownBy(() -> new RateLimit(1, MINUTE, 0, null)).isInstanceOf(NullPointerException.class)
        .hasMessage("algorithm must not be null");
  }
}
