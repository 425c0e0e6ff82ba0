package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The XFetch decision with an injected uniform draw; {@link EarlyRefreshTest} covers it through a cache. */
class EarlyRefreshDecisionTest {

  private static final Clock NOW = Clock.fixed(Instant.ofEpochMilli(100_000), ZoneOffset.UTC);

  @Test
  void theDrawDecidesWithinTheHorizonAndIsSkippedBeyondIt() {
    AtomicInteger draws = new AtomicInteger();
    EarlyRefresh refresh = new EarlyRefresh(1.0, NOW, () -> {
      draws.incrementAndGet();
      return 1e-9;
    });

    // A 100 ms load: ln(1e-9) is about -20.7, so a draw of 1e-9 refreshes up to about 2 s before expiry.
    assertThat(refresh.isDue(101_000, 100_000)).isTrue();
    assertThat(refresh.isDue(103_000, 100_000)).isFalse();
    assertThat(draws).as("both were within 40 deltas (4 s) of expiry").hasValue(2);
    assertThat(refresh.isDue(104_001, 100_000)).isFalse();
    assertThat(draws).as("beyond the horizon no number is drawn").hasValue(2);
  }

  @Test
  void aDrawOfOneRefreshesOnlyAtExpiryAndBetaZeroNever() {
    EarlyRefresh refresh = new EarlyRefresh(1.0, NOW, () -> 1.0);
    EarlyRefresh off = new EarlyRefresh(0, NOW, () -> {
      throw new AssertionError("beta 0 draws nothing");
    });

    assertThat(refresh.isDue(100_001, 100_000)).isFalse();
    assertThat(refresh.isDue(100_000, 100_000)).isTrue();
    assertThat(off.isDue(100_000, 100_000)).isFalse();
  }

  @Test
  void oneRefreshSlotPerKey() {
    EarlyRefresh refresh = new EarlyRefresh(1.0, NOW);

    assertThat(refresh.claim("a")).isTrue();
    assertThat(refresh.claim("a")).isFalse();
    assertThat(refresh.claim("b")).isTrue();
    refresh.release("a");
    assertThat(refresh.claim("a")).isTrue();
  }
}
