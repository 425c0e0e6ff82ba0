package com.cloutsy.redis.demo.ops;

import com.cloutsy.redis.config.HmacKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The ops key ({@code demo.ops.key}): Base64, standard or URL alphabet, of at least 32 random bytes, by the rule every
 * key of this project follows ({@link HmacKey}: a passphrase, a short key or bytes that cannot be random are
 * refused). A request presents the same text; the two are compared as SHA-256 digests in constant time, so neither
 * the time taken nor an exception reveals the key.
 */
final class OpsKey {

  private final byte[] digest;

  private OpsKey(String text) {
    this.digest = digest(text);
  }

  /**
   * The key that {@code text} gives.
   *
   * @throws IllegalArgumentException if it is not Base64 of at least 32 random bytes; the message states the rule
   *     and never quotes the text
   */
  static OpsKey fromBase64(String text) {
    try {
      HmacKey.fromBase64(text);
    } catch (IllegalArgumentException refused) {
      throw new IllegalArgumentException("the ops key " + refused.getMessage());
    }
    return new OpsKey(text.strip());
  }
  /** Whether {@code presented} is this key, compared in constant time. */
  boolean matches(String presented) {
    return MessageDigest.isEqual(digest, digest(presented.strip()));
  }

  @Override
  public String toString() {
    return "OpsKey[****]";
  }

  private static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException unavailable) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", unavailable);
    }
  }
}
