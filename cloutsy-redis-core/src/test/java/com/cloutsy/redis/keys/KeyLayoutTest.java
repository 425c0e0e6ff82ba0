package com.cloutsy.redis.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyLayoutTest {

  @ParameterizedTest
  @ValueSource(strings = {"seed", "SEED", "Seed", "sEeD"})
  void parsesSeedIgnoringCase(String value) {
    assertThat(KeyLayout.parse(value)).isEqualTo(KeyLayout.SEED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"cluster", "CLUSTER", "Cluster"})
  void parsesClusterIgnoringCase(String value) {
    assertThat(KeyLayout.parse(value)).isEqualTo(KeyLayout.CLUSTER);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "seed ", " cluster", "sed", "redis-cluster", "SEED,CLUSTER", "nestjs"})
  void rejectsAnUnknownLayoutQuotingItAndTheAcceptedNames(String value) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> KeyLayout.parse(value))
        .withMessage("key layout must be \"seed\" or \"cluster\", was \"" + value + "\"");
  }

  @Test
  void rejectsNullNamingTheSetting() {
    assertThatNullPointerException()
        .isThrownBy(() -> KeyLayout.parse(null))
        .withMessage("key layout must not be null");
  }
}
