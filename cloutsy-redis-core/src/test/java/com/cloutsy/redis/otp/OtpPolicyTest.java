package com.cloutsy.redis.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class OtpPolicyTest {

  private static final OtpSecret SECRET = OtpGuardTest.SECRET;

  @Test
  void defaultsAreTheSeeds() {
    OtpPolicy policy = OtpPolicy.defaults(SECRET);

    assertThat(policy.codeLength()).isEqualTo(6);
    assertThat(policy.codeTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(policy.cooldown()).isEqualTo(Duration.ofSeconds(60));
    assertThat(policy.requestQuota()).isEqualTo(5);
    assertThat(policy.quotaWindow()).isEqualTo(Duration.ofMinutes(15));
    assertThat(policy.maxAttempts()).isEqualTo(5);
    assertThat(policy.verifiedTtl()).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void startUpFailsClearlyWithoutASecret() {
    assertThatNullPointerException().isThrownBy(() -> OtpPolicy.defaults(null))
        .withMessageStartingWith("OTP secret must be configured");
  }

  @Test
  void badValuesNameTheSettingAndWhatWasExpected() {
    OtpPolicy policy = OtpPolicy.defaults(SECRET);

    assertThatIllegalArgumentException().isThrownBy(() -> policy.withCodeLength(3))
        .withMessage("codeLength must be 4-10, was 3");
    assertThatIllegalArgumentException().isThrownBy(() -> policy.withCodeLength(11))
        .withMessage("codeLength must be 4-10, was 11");
    assertThatIllegalArgumentException().isThrownBy(() -> policy.withCodeTtl(Duration.ofMinutes(11)))
        .withMessage("codeTtl must be at most 10 minutes, was PT11M");
    assertThatIllegalArgumentException().isThrownBy(() -> policy.withCooldown(Duration.ZERO))
        .withMessage("cooldown must be at least 1 ms, was PT0S");
    assertThatIllegalArgumentException().isThrownBy(() -> policy.withMaxAttempts(0))
        .withMessage("maxAttempts must be > 0, was 0");
    assertThatIllegalArgumentException().isThrownBy(() -> policy.withRequestQuota(0, Duration.ofMinutes(1)))
        .withMessage("requestQuota must be > 0, was 0");
  }

  @Test
  void passphrasesAndShortOrMalformedSecretsAreRefusedWithoutRepeatingThemRegression16() {
    String passphrase = Base64.getEncoder().encodeToString(
        "correct horse battery staple, and some more words".getBytes(StandardCharsets.US_ASCII));
    assertThatIllegalArgumentException().isThrownBy(() -> OtpSecret.fromBase64(passphrase))
        .withMessageStartingWith("OTP secret must be Base64 of at least 32 random bytes")
        .withMessageContaining("not random")
        .withMessageNotContaining(passphrase);
    String shortKey = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    assertThatIllegalArgumentException().isThrownBy(() -> OtpSecret.fromBase64(shortKey))
        .withMessageEndingWith("and decodes to 12");
    assertThatIllegalArgumentException().isThrownBy(() -> OtpSecret.fromBase64("not base64 at all!"))
        .withMessageEndingWith("and is not Base64").withMessageNotContaining("at all");
  }

  @Test
  void theSameKeyInEitherBase64AlphabetSignsAlike() {
    byte[] key = Base64.getDecoder().decode(OtpGuardTest.SECRET_BASE64);
    String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(key);

    assertThat(OtpSecret.fromBase64(urlSafe).sign("m")).isEqualTo(SECRET.sign("m")).hasSize(43);
  }

  @Test
  void secretsAndCodesNeverAppearInToString() {
    assertThat(OtpPolicy.defaults(SECRET).toString()).doesNotContain(OtpGuardTest.SECRET_BASE64)
        .contains("OtpSecret[configured]");
    assertThat(OtpSecret.generateForDevelopment()).hasToString("OtpSecret[generated for development]");
    assertThat(OtpSecret.generateForDevelopment().isGenerated()).isTrue();
    assertThat(new OtpMessage("+15551234567", "login", "493817", Duration.ofMinutes(5)).toString())
        .doesNotContain("493817").contains("code=****");
  }
}
