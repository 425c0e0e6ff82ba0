package com.cloutsy.redis.otp;

import com.cloutsy.redis.config.HmacKey;
import java.util.Objects;

/**
 * The server key of the HMAC that OTP codes and verification tickets are stored under. A 6-digit code under a plain
 * hash falls to a million guesses; under an HMAC it is useless without this key, which never reaches Redis, logs or
 * {@link #toString()}. Only random keys are taken ({@link HmacKey} says which), never a passphrase.
 *
 * <p>Immutable and thread-safe.
 */
public final class OtpSecret {

  /** The shortest key accepted: 256 bits, the output size of HMAC-SHA256. */
  public static final int MIN_BYTES = HmacKey.MIN_BYTES;

  private final HmacKey key;

  private OtpSecret(HmacKey key) {
    this.key = key;
  }

  /**
   * A key from configuration, given as Base64 (standard or URL-safe alphabet) of at least {@value #MIN_BYTES} random
   * bytes, such as the output of {@code openssl rand -base64 32}.
   *
   * @throws IllegalArgumentException if the text is not Base64, decodes to fewer than {@value #MIN_BYTES} bytes, or
   *     decodes to bytes that are not random (text, a repeated pattern); the message never repeats the text
   */
  public static OtpSecret fromBase64(String base64) {
    try {
      return new OtpSecret(HmacKey.fromBase64(base64));
    } catch (IllegalArgumentException refused) {
      throw new IllegalArgumentException("OTP secret " + refused.getMessage());
    }
  }

  /** The OTP secret {@code key} is. */
  public static OtpSecret of(HmacKey key) {
    return new OtpSecret(Objects.requireNonNull(key, "key must not be null"));
  }

  /**
   * A random key for a developer's machine. Codes issued under it cannot be verified by another instance or after
   * a restart, so production must configure one; {@link #isGenerated()} lets start-up warn about it.
   */
  public static OtpSecret generateForDevelopment() {
    return new OtpSecret(HmacKey.generate());
  }

  /** Whether this key was generated at start-up rather than configured. */
  public boolean isGenerated() {
    return key.isGenerated();
  }

  /** HMAC-SHA256 of the message under this key, Base64 URL-safe without padding (43 characters). */
  String sign(String message) {
    return key.sign(message);
  }

  /** Never shows the key. */
  @Override
  public String toString() {
    return isGenerated() ? "OtpSecret[generated for development]" : "OtpSecret[configured]";
  }
}
