package com.cloutsy.redis.demo.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ops key's rule, HmacKey's: Base64 of at least 32 random bytes, and a refusal never quotes the key. */
class OpsKeyTest {

  @Test
  void randomKeysInEitherAlphabetAreTakenAndMatchOnlyThemselves() {
    // Seeded, so a failure repeats; a false refusal of a random key has a chance below 1 in 10^14 per key.
    Random random = new Random(20_251_104L);
    for (int i = 0; i < 10_000; i++) {
      byte[] bytes = new byte[32 + (i % 3) * 16];
      random.nextBytes(bytes);
      String standard = Base64.getEncoder().encodeToString(bytes);
      String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

      assertThat(OpsKey.fromBase64(standard).matches(standard)).isTrue();
      assertThat(OpsKey.fromBase64(urlSafe).matches(urlSafe)).isTrue();
      assertThat(OpsKey.fromBase64(standard).matches(standard + "x")).isFalse();
    }
  }

  @Test
  void aKeyShorterThan32BytesIsRefusedNamingTheRule() {
    String short31 = Base64.getEncoder().encodeToString(randomBytes(31));

    assertThatThrownBy(() -> OpsKey.fromBase64(short31)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32 random bytes").hasMessageEndingWith("decodes to 31")
        .hasMessageNotContaining(short31);
  }

  @Test
  void textThatIsNotBase64IsRefusedWithoutQuotingIt() {
    String notBase64 = "correct horse battery staple, forty characters!";

    assertThatThrownBy(() -> OpsKey.fromBase64(notBase64)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("and is not Base64").hasMessageNotContaining("horse");
  }

  @Test
  void obviouslyNonRandomKeysAreRefused() {
    byte[] repeated = new byte[48];
    Arrays.fill(repeated, (byte) 'a');
    String hexDigits = "0123456789abcdef0123456789abcdef";
    String[] keys = {
        Base64.getEncoder().encodeToString(repeated),
        Base64.getEncoder().encodeToString(hexDigits.getBytes(StandardCharsets.US_ASCII)),
        Base64.getEncoder().encodeToString("passwordpasswordpasswordpassword".getBytes(StandardCharsets.US_ASCII)),
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="};

    for (String key : keys) {
      assertThatThrownBy(() -> OpsKey.fromBase64(key)).as(key).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not random").hasMessageNotContaining(key);
    }
  }

  @Test
  void itsTextNeverShowsTheKey() {
    String key = Base64.getEncoder().encodeToString(randomBytes(32));

    assertThat(OpsKey.fromBase64(key).toString()).doesNotContain(key).isEqualTo("OpsKey[****]");
  }

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
