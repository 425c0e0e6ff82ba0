package com.cloutsy.redis.config;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An HMAC-SHA256 key that a service signs with: OTP code hashes, verification tickets, known-device tokens. Given as
 * Base64 of at least {@value #MIN_BYTES} random bytes, as {@code openssl rand -base64 32} prints.
 *
 * <p>Only random keys are taken. A text passphrase has far less entropy than its length suggests, so text is never a
 * fallback: Base64 that decodes to fewer than {@value #MIN_BYTES} bytes is refused, and so are bytes that cannot be
 * random: all printable ASCII (a Base64-encoded passphrase; 32 random bytes are that by chance with probability
 * below 10<sup>-13</sup>) or fewer than {@value #MIN_DISTINCT_BYTES} distinct values (a repeated pattern; 32 random
 * bytes have about 30). Messages name the rule, never the key; {@link #toString()} never shows it.
 *
 * <p>Immutable and thread-safe.
 */
public final class HmacKey {

  /** The fewest key bytes accepted: 256 bits, the output size of HMAC-SHA256. */
  public static final int MIN_BYTES = 32;

  /** The fewest distinct byte values a key may have. */
  public static final int MIN_DISTINCT_BYTES = 16;

  private static final String ALGORITHM = "HmacSHA256";
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final boolean generated;
  // A Mac is not thread-safe and costly to look up; each thread keys its own once.
  private final ThreadLocal<Mac> macs;

  private HmacKey(byte[] bytes, boolean generated) {
    SecretKeySpec key = new SecretKeySpec(bytes, ALGORITHM);
    this.generated = generated;
    this.macs = ThreadLocal.withInitial(() -> newMac(key));
  }

  /**
   * A key from configuration.
   *
   * @param base64 Base64, standard or URL-safe alphabet, padded or not; surrounding white space is ignored
   * @throws IllegalArgumentException if the text is not Base64 of at least {@value #MIN_BYTES} random bytes; the
   *     message states the rule and never repeats the text
   */
  public static HmacKey fromBase64(String base64) {
    Objects.requireNonNull(base64, "base64 must not be null");
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64.strip().replace('-', '+').replace('_', '/'));
    } catch (IllegalArgumentException notBase64) {
      throw new IllegalArgumentException("must be Base64 of at least " + MIN_BYTES
          + " random bytes (such as the output of 'openssl rand -base64 32'), and is not Base64");
    }
    if (bytes.length < MIN_BYTES) {
      throw new IllegalArgumentException("must be Base64 of at least " + MIN_BYTES + " random bytes (such as the"
          + " output of 'openssl rand -base64 32'), and decodes to " + bytes.length);
    }
    if (isPrintableText(bytes) || distinctValues(bytes) < MIN_DISTINCT_BYTES) {
      throw new IllegalArgumentException("must be Base64 of at least " + MIN_BYTES + " random bytes (such as the"
          + " output of 'openssl rand -base64 32'), and decodes to bytes that are not random (text, or a repeated"
          + " pattern)");
    }
    return new HmacKey(bytes, false);
  }

  /**
   * A random key made now. Whatever it signs cannot be checked by another instance or after a restart, so a service
   * takes one only on a developer's machine or in a test; {@link #isGenerated()} lets start-up warn about it.
   */
  public static HmacKey generate() {
    byte[] bytes = new byte[MIN_BYTES];
    new SecureRandom().nextBytes(bytes);
    return new HmacKey(bytes, true);
  }

  /** Whether this key was generated at start-up rather than configured. */
  public boolean isGenerated() {
    return generated;
  }

  /** HMAC-SHA256 of the UTF-8 bytes of {@code message}, Base64 URL-safe without padding (43 characters). */
  public String sign(String message) {
    return BASE64URL.encodeToString(macs.get().doFinal(message.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Whether {@code signature} is this key's {@link #sign signature} of {@code message}, compared in constant time so
   * the time taken says nothing about how much of a forged signature was right.
   */
  public boolean verify(String message, String signature) {
    return MessageDigest.isEqual(sign(message).getBytes(StandardCharsets.US_ASCII),
        signature.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean isPrintableText(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0x20 || b > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static int distinctValues(byte[] bytes) {
    boolean[] seen = new boolean[256];
    int distinct = 0;
    for (byte b : bytes) {
      if (!seen[b & 0xff]) {
        seen[b & 0xff] = true;
        distinct++;
      }
    }
    return distinct;
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException impossible) {
      throw new IllegalStateException("every Java platform must provide " + ALGORITHM, impossible);
    }
  }

  /** Never shows the key. */
  @Override
  public String toString() {
    return generated ? "HmacKey[generated]" : "HmacKey[configured]";
  }
}
