package com.cloutsy.redis.demo.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Session tokens: what one names, and which ones are refused without asking Redis. */
class TokensTest {

  private static final byte[] KEY_BYTES = Base64.getDecoder().decode("uYs5RPMW3PevPkV8sjFdY3JUpisFK6dosixtMJcgSHU=");
  private static final String KEY = Base64.getEncoder().encodeToString(KEY_BYTES);

  private final Tokens tokens = Tokens.fromBase64(KEY);

  @Test
  void aTokenNamesItsUserAndSession() {
    String token = tokens.issue("user:42/ü", "AbC_-1");

    assertThat(tokens.read(token)).contains(new Caller("user:42/ü", "AbC_-1"));
    assertThat(token).startsWith("v1.").doesNotContain("user:42");
  }

  @Test
  void anyChangedCharacterOrAnotherKeyIsRefused() {
    String token = tokens.issue("42", "jti");
    for (int i = 0; i < token.length(); i++) {
      char changed = token.charAt(i) == 'A' ? 'B' : 'A';
      String altered = token.substring(0, i) + changed + token.substring(i + 1);
      assertThat(tokens.read(altered)).as("changed at %d: %s", i, altered).isEmpty();
    }
    String withoutLast = token.substring(0, token.length() - 1);
    for (char last : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray()) {
      if (last != token.charAt(token.length() - 1)) {
        assertThat(tokens.read(withoutLast + last)).as("another spelling of the MAC: %s", last).isEmpty();
      }
    }
    assertThat(Tokens.generateForDevelopment().read(token)).isEmpty();
    assertThat(Tokens.fromBase64(Base64.getUrlEncoder().encodeToString(KEY_BYTES)).read(token))
        .as("the same key in the URL alphabet").isPresent();
  }

  @Test
  void malformedTokensAreRefused() {
    String token = tokens.issue("42", "jti");
    for (String malformed : new String[] {"", ".", "v1...", "v2" + token.substring(2), token + ".",
        token.substring(0, token.lastIndexOf('.')), "v1.!!.jti.sig", "x".repeat(5000)}) {
      assertThat(tokens.read(malformed)).as(malformed).isEmpty();
    }
  }

  @Test
  void aShortOrNonBase64KeyIsRefusedWithoutQuotingIt() {
    assertThatThrownBy(() -> Tokens.fromBase64(Base64.getEncoder().encodeToString(new byte[31])))
        .hasMessageContaining("at least 32 random bytes");
    assertThatThrownBy(() -> Tokens.fromBase64("secret-password-not-base64!"))
        .hasMessageNotContaining("secret-password");
    assertThatThrownBy(() -> Tokens.fromBase64(Base64.getEncoder().encodeToString(new byte[32])))
        .as("32 zero bytes are no key").hasMessageContaining("not random");
    assertThat(tokens.toString()).doesNotContain(KEY);
  }

  @Test
  void aPhoneGetsTheSameIdEveryTimeAndTheIdDoesNotShowTheNumber() {
    String id = tokens.userIdForPhone("+15551234567");

    assertThat(tokens.userIdForPhone("+15551234567")).isEqualTo(id);
    assertThat(tokens.userIdForPhone("+15551234568")).isNotEqualTo(id);
    assertThat(id).matches("p[0-9a-f]{16}").doesNotContain("5551234567");
  }
}
