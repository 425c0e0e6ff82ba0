package com.cloutsy.redis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

  private static final RateLimit PER_MINUTE = RateLimit.of(100, Duration.ofMinutes(1));

  @Test
  void anAdmittedRequestGetsTheDraftsFieldsAndTheOlderOnesButNoRetryAfter() {
    Decision decision = new Decision(true, 100, 42, Duration.ZERO, Duration.ofMillis(29_001), false);

    assertThat(RateLimitHeaders.of("api", PER_MINUTE, decision)).containsExactly(
        entry("RateLimit-Policy", "\"api\";q=100;w=60"),
        entry("RateLimit", "\"api\";r=42;t=30"),
        entry("RateLimit-Limit", "100"),
        entry("RateLimit-Remaining", "42"),
        entry("RateLimit-Reset", "30"));
  }

  @Test
  void aDeniedRequestGetsRetryAfterRoundedUpAndAnEffectiveWindowThatEndsThen() {
    Decision decision = new Decision(false, 120, 0, Duration.ofMillis(2_100), Duration.ofSeconds(70), false);

    assertThat(RateLimitHeaders.of("api", PER_MINUTE.withBurst(20), decision)).containsExactly(
        entry("RateLimit-Policy", "\"api\";q=120;w=60"),
        entry("RateLimit", "\"api\";r=0;t=3"),
        entry("RateLimit-Limit", "120"),
        entry("RateLimit-Remaining", "0"),
        entry("RateLimit-Reset", "3"),
        entry("Retry-After", "3"));
  }

  @Test
  void subSecondTimesNeverRoundToZeroWhereAClientWouldRetryAtOnce() {
    RateLimit perTenth = RateLimit.fixedWindow(10, Duration.ofMillis(100));
    Decision denied = new Decision(false, 10, 0, Duration.ofMillis(1), Duration.ofMillis(1), false);
    Decision fresh = new Decision(true, 10, 10, Duration.ZERO, Duration.ZERO, false);

    assertThat(RateLimitHeaders.of("p", perTenth, denied)).containsEntry("Retry-After", "1")
        .containsEntry("RateLimit-Policy", "\"p\";q=10;w=1");
    assertThat(RateLimitHeaders.of("p", perTenth, fresh)).containsEntry("RateLimit", "\"p\";r=10;t=0");
    assertThat(RateLimitHeaders.retryAfter(Duration.ZERO)).isEqualTo("1");
    assertThat(RateLimitHeaders.retryAfter(Duration.ofMillis(59_001))).isEqualTo("60");
  }

  @Test
  void thePolicyNameIsAnEscapedStructuredFieldString() {
    Decision decision = new Decision(true, 1, 0, Duration.ZERO, Duration.ofSeconds(1), false);

    assertThat(RateLimitHeaders.of("say \"hi\" \\ now", PER_MINUTE, decision).get("RateLimit"))
        .isEqualTo("\"say \\\"hi\\\" \\\\ now\";r=0;t=1");
  }

  @Test
  void theFieldsCanBeHandedToAnyResponseAndCannotBeChanged() {
    Map<String, String> response = new LinkedHashMap<>();
    Map<String, String> fields = RateLimitHeaders.of("api", PER_MINUTE,
        new Decision(true, 100, 99, Duration.ZERO, Duration.ofMillis(600), true));

    fields.forEach(response::put);

    assertThat(response).containsEntry(RateLimitHeaders.RESET, "1").hasSize(5);
    assertThatThrownBy(() -> fields.put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void badArgumentsAreRejectedByName() {
    Decision decision = new Decision(true, 1, 0, Duration.ZERO, Duration.ZERO, false);

    assertThatThrownBy(() -> RateLimitHeaders.of("", PER_MINUTE, decision))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("policy must be 1-64 printable ASCII characters,"
            + " was \"\"");
    assertThatThrownBy(() -> RateLimitHeaders.of("a\nb", PER_MINUTE, decision))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("policy must be 1-64 printable ASCII characters;"
            + " character 1 is U+000A");
    assertThatThrownBy(() -> RateLimitHeaders.of("é", PER_MINUTE, decision))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+00E9");
    assertThatThrownBy(() -> RateLimitHeaders.retryAfter(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("delay must not be negative, was PT-1S");
  }
}
