package com.cloutsy.redis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Only random keys are taken, and a key never appears in a message or {@code toString()}. */
class HmacKeyTest {

  private static final String RULE = "must be Base64 of at least 32 random bytes";

  @Test
  void randomKeysInEitherAlphabetPaddedOrNotAreTakenAndNeverRefusedByChance() {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[32 + random.nextInt(33)];
      random.nextBytes(bytes);
      String standard = Base64.getEncoder().encodeToString(bytes);
      String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

      assertThat(HmacKey.fromBase64(" " + standard + "\n").sign("m")).isEqualTo(HmacKey.fromBase64(urlSafe).sign("m"));
    }
  }

  @Test
  void aBase64EncodedPassphraseIsRefusedRegression16() {
    String passphrase = base64("this passphrase is long but it is only text, not a key");

    assertThatIllegalArgumentException().isThrownBy(() -> HmacKey.fromBase64(passphrase))
        .withMessageStartingWith(RULE).withMessageContaining("not random");
  }

  @Test
  void aRepeatedPatternIsRefused() {
    byte[] pattern = new byte[64];
    for (int i = 0; i < pattern.length; i++) {
      pattern[i] = (byte) (0x80 + i % 15);
    }
    byte[] zeros = new byte[32];
    Arrays.fill(zeros, (byte) 0);

    assertThatIllegalArgumentException().isThrownBy(() -> HmacKey.fromBase64(base64(pattern)))
        .withMessageContaining("not random");
    assertThatIllegalArgumentException().isThrownBy(() -> HmacKey.fromBase64(base64(zeros)))
        .withMessageContaining("not random");
  }

  @Test
  void base64ThatDecodesShortIsAnErrorNotAFallbackToText() {
    String text = "a text of more than thirty-two characters, not Base64!";
    byte[] shortKey = new byte[31];
    new SecureRandom().nextBytes(shortKey);

    assertThatIllegalArgumentException().isThrownBy(() -> HmacKey.fromBase64(text))
        .withMessage(RULE + " (such as the output of 'openssl rand -base64 32'), and is not Base64");
    assertThatIllegalArgumentException().isThrownBy(() -> HmacKey.fromBase64(base64(shortKey)))
        .withMessageEndingWith("and decodes to 31");
  }

  @Test
  void signaturesAreCheckedInFullAndTheKeyIsNeverShown() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    String base64 = base64(bytes);
    HmacKey key = HmacKey.fromBase64(base64);
    String signature = key.sign("message");

    assertThat(signature).hasSize(43);
    assertThat(key.verify("message", signature)).isTrue();
    assertThat(key.verify("message", signature.substring(0, 42))).isFalse();
    assertThat(key.verify("message!", signature)).isFalse();
    assertThat(HmacKey.generate().verify("message", signature)).isFalse();
    assertThat(key).hasToString("HmacKey[configured]");
    assertThat(key.toString()).doesNotContain(base64);
    assertThat(HmacKey.generate()).hasToString("HmacKey[generated]");
    assertThat(HmacKey.generate().isGenerated()).isTrue();
  }

  private static String base64(String text) {
    return base64(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
