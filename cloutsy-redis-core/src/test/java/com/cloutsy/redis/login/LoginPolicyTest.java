package com.cloutsy.redis.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.cloutsy.redis.login.LoginPolicy.Threshold;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoginPolicyTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  @Test
  void defaultsLockThePairFirstAndTheIdentifierLater() {
    LoginPolicy policy = LoginPolicy.defaults();

    assertThat(policy.pair()).isEqualTo(new Threshold(5, Duration.ofMinutes(15), Duration.ofMinutes(15)));
    assertThat(policy.identifier().maxFailures()).isEqualTo(20);
    assertThat(policy.address().maxFailures()).isEqualTo(50);
    assertThat(policy.maxLockout()).isEqualTo(policy.pair().lockout());
  }

  @Test
  void anIdentifierLimitAboveNistsHundredIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LoginPolicy.defaults().withIdentifier(new Threshold(101, MINUTE, MINUTE)))
        .withMessage("identifier maxFailures must be at most 100 (NIST SP 800-63B), was 101");
  }

  @Test
  void aPairLimitAboveTheIdentifiersIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LoginPolicy.defaults().withPair(new Threshold(30, MINUTE, MINUTE)))
        .withMessage("pair maxFailures (30) must not exceed identifier maxFailures (20): the pair must lock first");
  }

  @Test
  void thresholdsNeedPositiveValues() {
    assertThatIllegalArgumentException().isThrownBy(() -> new Threshold(0, MINUTE, MINUTE))
        .withMessage("maxFailures must be > 0, was 0");
    assertThatIllegalArgumentException().isThrownBy(() -> new Threshold(5, Duration.ZERO, MINUTE))
        .withMessage("window must be at least 1 ms, was PT0S");
    assertThatIllegalArgumentException().isThrownBy(() -> new Threshold(5, MINUTE, Duration.ofMillis(-1)))
        .withMessage("lockout must be at least 1 ms, was PT-0.001S");
  }
}
