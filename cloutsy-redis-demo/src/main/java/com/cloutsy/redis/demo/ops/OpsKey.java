package com.cloutsy.redis.demo.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The ops key ({@code demo.ops.key}): Base64, standard or URL alphabet, of at least {@value #MIN_BYTES} bytes, which
 * must look random. A request presents the same text; the two are compared as SHA-256 digests in constant time, so
 * neither the time taken nor an exception reveals the key.
 *
 * <p>The randomness rule: the first {@value #MIN_BYTES} decoded bytes must hold at least {@value #MIN_DISTINCT}
 * distinct values. Random bytes hold about 30 of 32, and fewer than {@value #MIN_DISTINCT} happens to fewer than one
 * random key in 10^14; a repeated pattern, a run of one character, or a word or passphrase encoded as Base64 holds fewer.
 */
final class OpsKey {

  /** The fewest decoded bytes a key may have: 256 bits. */
  static final int MIN_BYTES = 32;

  /** The fewest distinct values among the first {@link #MIN_BYTES} bytes. */
  static final int MIN_DISTINCT = 17;

  private final byte[] digest;

  private OpsKey(String text) {
    this.digest = digest(text);
  }

  /**
   * The key that {@code text} gives.
   *
   * @throws IllegalArgumentException if it is not Base64 of at least {@value #MIN_BYTES} bytes that look random; the
   *     message states the rule and never quotes the text
   */
  static OpsKey fromBase64(String text) {
    String key = text.strip();
    byte[] bytes;
    try {
      bytes = key.indexOf('-') >= 0 || key.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(key)
          : Base64.getDecoder().decode(key);
    } catch (IllegalArgumentException notBase64) {
      throw new IllegalArgumentException("the ops key must be Base64 of at least " + MIN_BYTES + " random bytes, e.g."
          + " the output of 'openssl rand -base64 32'; it is not Base64");
    }
    if (bytes.length < MIN_BYTES) {
      throw new IllegalArgumentException("the ops key must be Base64 of at least " + MIN_BYTES + " random bytes, e.g."
          + " the output of 'openssl rand -base64 32'; it decodes to " + bytes.length + " bytes");
    }
    boolean[] seen = new boolean[256];
    int distinct = 0;
    for (int i = 0; i < MIN_BYTES; i++) {
      if (!seen[bytes[i] & 0xff]) {
        seen[bytes[i] & 0xff] = true;
        distinct++;
      }
    }
    if (distinct < MIN_DISTINCT) {
      throw new IllegalArgumentException("the ops key must be random: its first " + MIN_BYTES + " bytes hold only "
          + distinct + " distinct values, where random bytes hold about 30 (at least " + MIN_DISTINCT + " are"
          + " required); use the output of 'openssl rand -base64 32'");
    }
    return new OpsKey(key);
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
