package com.cloutsy.redis.demo.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The service's HMAC-SHA256 key and what it signs: session tokens, and the user ids of phone users.
 *
 * <p>A token is {@code v1.<userId>.<jti>.<mac>}: the user id in unpadded Base64url, the session's jti, and the
 * HMAC of everything before it. Clients treat it as opaque. It carries no expiry and no rights of its own: it names a
 * session, and the {@code SessionStore} decides on every request whether that session still exists, so revoking a
 * session ends its token at once. A token whose MAC does not match (forged, altered, or signed with another key) is
 * refused here, before any Redis round trip, with a constant-time comparison. The key never appears in
 * {@link #toString()} or in any message. Thread-safe.
 */
public final class Tokens {

  /** The least key size, in bytes. */
  public static final int MIN_KEY_BYTES = 32;

  private static final String ALGORITHM = "HmacSHA256";
  private static final String VERSION = "v1";
  private static final int MAX_TOKEN_LENGTH = 1024;
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();

  private final SecretKeySpec key;
  private final boolean generated;

  private Tokens(byte[] key, boolean generated) {
    this.key = new SecretKeySpec(key, ALGORITHM);
    this.generated = generated;
  }

  /**
   * Tokens signed with a key given as Base64 (standard or URL alphabet) of at least {@value #MIN_KEY_BYTES} bytes.
   *
   * @throws IllegalArgumentException if the text is not such Base64; the message does not quote it
   */
  public static Tokens fromBase64(String base64) {
    byte[] key;
    try {
      String text = base64.strip();
      key = text.indexOf('-') >= 0 || text.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(text)
          : Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException notBase64) {
      throw new IllegalArgumentException("the token key must be Base64 of at least " + MIN_KEY_BYTES
          + " random bytes (e.g. the output of 'openssl rand -base64 32')");
    }
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("the token key must be at least " + MIN_KEY_BYTES + " bytes, was "
          + key.length);
    }
    return new Tokens(key, false);
  }

  /** Tokens signed with a random key made now: they do not survive a restart and no other instance accepts them. */
  public static Tokens generateForDevelopment() {
    byte[] key = new byte[MIN_KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return new Tokens(key, true);
  }

  /** Whether the key was generated at start-up rather than configured. */
  public boolean isGenerated() {
    return generated;
  }

  /** The token for the session {@code jti} of {@code userId}. */
  public String issue(String userId, String jti) {
    String payload = VERSION + "." + BASE64URL.encodeToString(userId.getBytes(StandardCharsets.UTF_8)) + "." + jti;
    return payload + "." + BASE64URL.encodeToString(mac(payload));
  }

  /**
   * The session a token names, if its MAC is right; empty for anything else (malformed, forged, altered, another
   * key's). Does not say whether the session still exists.
   */
  public Optional<Caller> read(String token) {
    if (token.length() > MAX_TOKEN_LENGTH) {
      return Optional.empty();
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 4 || !parts[0].equals(VERSION) || parts[1].isEmpty() || parts[2].isEmpty()) {
      return Optional.empty();
    }
    // The MAC is compared as text, so no second spelling of it (other trailing bits) passes either.
    String expected = BASE64URL.encodeToString(mac(parts[0] + "." + parts[1] + "." + parts[2]));
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        parts[3].getBytes(StandardCharsets.UTF_8))) {
      return Optional.empty();
    }
    String userId;
    try {
      userId = new String(BASE64URL_DECODER.decode(parts[1]), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
    return Optional.of(new Caller(userId, parts[2]));
  }

  /**
   * A stable user id for a phone number: {@code p} and 16 hex digits of an HMAC of the number, so the id does not
   * reveal the number and the same number always gets the same id under the same key.
   */
  public String userIdForPhone(String phone) {
    return "p" + HexFormat.of().formatHex(mac("phone-user:" + phone), 0, 8);
  }

  private byte[] mac(String input) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException unavailable) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", unavailable);
    }
  }

  @Override
  public String toString() {
    return "Tokens[HmacSHA256, key ****" + (generated ? ", generated" : "") + "]";
  }
}
