package com.cloutsy.redis.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class OtpPolicyTest {

  private static final String KEY_TEXT = "0123456789abcdef0123456789abcdef-secret";

  @Test
  void defaultsAreTheSeeds() {
    OtpPolicy policy = OtpPolicy.defaults(OtpSecret.fromText(KEY_TEXT));

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
    assertThatIllegalArgumentException().isThrownBy(() -> OtpPolicy.defaults(null))
        .withMessageStartingWith("OTP secret must be configured");
  }

  @Test
  void badValuesNameTheSettingAndWhatWasExpected() {
    OtpPolicy policy = OtpPolicy.defaults(OtpSecret.fromText(KEY_TEXT));

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
  void shortOrMalformedSecretsAreRefusedWithoutRepeatingThem() {
    assertThatIllegalArgumentException().isThrownBy(() -> OtpSecret.fromText("short-secret"))
        .withMessage("OTP secret must have at least 32 bytes, had 12");
    assertThatIllegalArgumentException().isThrownBy(() -> OtpSecret.fromBase64("not base64 at all!"))
        .withMessage("OTP secret must be Base64 of at least 32 random bytes");
  }

  @Test
  void base64AndTextKeysWithTheSameBytesSignAlike() {
    String base64 = Base64.getUrlEncoder().encodeToString(KEY_TEXT.getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThat(OtpSecret.fromBase64(base64).sign("m")).isEqualTo(OtpSecret.fromText(KEY_TEXT).sign("m"));
    assertThat(OtpSecret.fromText(KEY_TEXT).sign("m")).hasSize(43);
  }

  @Test
  void secretsAndCodesNeverAppearInToString() {
    OtpSecret secret = OtpSecret.fromText(KEY_TEXT);

    assertThat(OtpPolicy.defaults(secret).toString()).doesNotContain(KEY_TEXT).contains("OtpSecret[configured]");
    assertThat(OtpSecret.generateForDevelopment()).hasToString("OtpSecret[generated for development]");
    assertThat(OtpSecret.generateForDevelopment().isGenerated()).isTrue();
    assertThat(new OtpMessage("+15551234567", "login", "493817", Duration.ofMinutes(5)).toString())
        .doesNotContain("493817").contains("code=****");
  }
}
