package com.cloutsy.redis.demo.auth;

import com.cloutsy.redis.config.HmacKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

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

  private static final String VERSION = "v1";
  private static final int MAX_TOKEN_LENGTH = 1024;
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();

  private final HmacKey key;

  private Tokens(HmacKey key) {
    this.key = key;
  }

  /**
   * Tokens signed with a key given as Base64 (standard or URL alphabet) of at least 32 random bytes, by
   * {@link HmacKey}'s rule.
   *
   * @throws IllegalArgumentException if the text is not such Base64; the message does not quote it
   */
  public static Tokens fromBase64(String base64) {
    try {
      return new Tokens(HmacKey.fromBase64(base64));
    } catch (IllegalArgumentException refused) {
      throw new IllegalArgumentException("the token key " + refused.getMessage());
    }
  }

  /** Tokens signed with a random key made now: they do not survive a restart and no other instance accepts them. */
  public static Tokens generateForDevelopment() {
    return new Tokens(HmacKey.generate());
  }

  /** Whether the key was generated at start-up rather than configured. */
  public boolean isGenerated() {
    return key.isGenerated();
  }

  /** The token for the session {@code jti} of {@code userId}. */
  public String issue(String userId, String jti) {
    String payload = VERSION + "." + BASE64URL.encodeToString(userId.getBytes(StandardCharsets.UTF_8)) + "." + jti;
    return payload + "." + key.sign(payload);
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
    if (!key.verify(parts[0] + "." + parts[1] + "." + parts[2], parts[3])) {
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
    return "p" + HexFormat.of().formatHex(BASE64URL_DECODER.decode(key.sign("phone-user:" + phone)), 0, 8);
  }

  @Override
  public String toString() {
    return "Tokens[HmacSHA256, key ****" + (isGenerated() ? ", generated" : "") + "]";
  }
}
