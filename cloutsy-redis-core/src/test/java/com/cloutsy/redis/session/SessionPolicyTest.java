package com.cloutsy.redis.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionPolicyTest {

  @Test
  void theDefaultsAreTheSeedsSevenDaysWithAThirtyDayCapAHundredSessionsNoEncryption() {
    SessionPolicy defaults = SessionPolicy.defaults();

    assertThat(defaults.ttl()).isEqualTo(Duration.ofSeconds(604_800));
    assertThat(defaults.idleTimeout()).isEqualTo(Duration.ofDays(7));
    assertThat(defaults.absoluteLifetime()).isEqualTo(Duration.ofDays(30));
    assertThat(defaults.maxSessionsPerUser()).isEqualTo(100);
    assertThat(defaults.encryption()).isNull();
    assertThat(defaults.expireIndex()).isTrue();
  }

  @Test
  void copiesChangeOneComponentEach() {
    SessionPolicy policy = SessionPolicy.defaults().withTtl(Duration.ofHours(1))
        .withIdleTimeout(Duration.ofMinutes(30)).withAbsoluteLifetime(Duration.ofHours(12))
        .withMaxSessionsPerUser(5).withEncryption(TestKeys.ENCRYPTION).withExpireIndex(false);

    assertThat(policy).isEqualTo(new SessionPolicy(Duration.ofHours(1), Duration.ofMinutes(30),
        Duration.ofHours(12), 5, TestKeys.ENCRYPTION, false));
    assertThat(policy.withoutEncryption().encryption()).isNull();
    assertThat(policy.withFixedLifetime(Duration.ofDays(1))).isEqualTo(new SessionPolicy(Duration.ofDays(1),
        Duration.ofDays(1), Duration.ofDays(1), 5, TestKeys.ENCRYPTION, false));
  }

  @Test
  void anAbsoluteLifetimeShorterThanTheTtlIsAllowedAndCapsIt() {
    assertThat(SessionPolicy.defaults().withAbsoluteLifetime(Duration.ofHours(1)).ttl())
        .as("cut to the cap when a session is created, not refused").isEqualTo(Duration.ofDays(7));
  }

  @Test
  void badValuesAreRefusedNamingTheComponent() {
    SessionPolicy defaults = SessionPolicy.defaults();

    assertThatThrownBy(() -> defaults.withTtl(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be from 1 ms to 3650 days, was PT0S");
    assertThatThrownBy(() -> defaults.withIdleTimeout(Duration.ofNanos(999_999)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("idleTimeout must be from 1 ms");
    assertThatThrownBy(() -> defaults.withAbsoluteLifetime(Duration.ofSeconds(Long.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("absoluteLifetime must be from 1 ms");
    assertThatThrownBy(() -> defaults.withTtl(Duration.ofDays(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> defaults.withMaxSessionsPerUser(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxSessionsPerUser must be from 0 (no limit) to 512, was -1");
    assertThatThrownBy(() -> defaults.withMaxSessionsPerUser(513)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxSessionsPerUser must be from 0 (no limit) to 512, was 513");
    assertThat(defaults.withMaxSessionsPerUser(512).maxSessionsPerUser()).isEqualTo(512);
    assertThatThrownBy(() -> defaults.withTtl(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("ttl must not be null");
  }

  @Test
  void printingAPolicyNamesKeyIdsOnly() {
    assertThat(SessionPolicy.defaults().withEncryption(TestKeys.ENCRYPTION).toString())
        .contains("encryption=SessionEncryption[current=k1, keyIds=[k1]]");
  }
}
