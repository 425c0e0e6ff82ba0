package com.cloutsy.redis.otp;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server key of the HMAC that OTP codes are stored under. A 6-digit code under a plain hash falls to a million
 * guesses; under an HMAC it is useless without this key, which never reaches Redis, logs or {@link #toString()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class OtpSecret {

  /** The shortest key accepted: 256 bits, the output size of HMAC-SHA256. */
  public static final int MIN_BYTES = 32;

  private static final String ALGORITHM = "HmacSHA256";

  private final boolean generated;
  // A Mac is not thread-safe and costly to look up; each thread keys its own once.
  private final ThreadLocal<Mac> macs;

  private OtpSecret(byte[] bytes, boolean generated) {
    SecretKeySpec key = new SecretKeySpec(bytes, ALGORITHM);
    this.generated = generated;
    this.macs = ThreadLocal.withInitial(() -> newMac(key));
  }

  /**
   * A key from configuration, given as Base64 (standard or URL-safe alphabet).
   *
   * @throws IllegalArgumentException if the text is not Base64 or decodes to fewer than {@value #MIN_BYTES} bytes;
   *     the message never repeats the text
   */
  public static OtpSecret fromBase64(String base64) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64.strip().replace('-', '+').replace('_', '/'));
    } catch (IllegalArgumentException notBase64) {
      throw new IllegalArgumentException("OTP secret must be Base64 of at least " + MIN_BYTES + " random bytes");
    }
    return of(bytes);
  }

  /**
   * A key from configuration, given as text: its UTF-8 bytes are the key.
   *
   * @throws IllegalArgumentException if the text has fewer than {@value #MIN_BYTES} bytes in UTF-8
   */
  public static OtpSecret fromText(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A random key for a developer's machine. Codes issued under it cannot be verified by another instance or after
   * a restart, so production must configure one; {@link #isGenerated()} lets start-up warn about it.
   */
  public static OtpSecret generateForDevelopment() {
    byte[] bytes = new byte[MIN_BYTES];
    new SecureRandom().nextBytes(bytes);
    return new OtpSecret(bytes, true);
  }

  private static OtpSecret of(byte[] bytes) {
    if (bytes.length < MIN_BYTES) {
      throw new IllegalArgumentException(
          "OTP secret must have at least " + MIN_BYTES + " bytes, had " + bytes.length);
    }
    return new OtpSecret(bytes, false);
  }

  /** Whether this key was generated at start-up rather than configured. */
  public boolean isGenerated() {
    return generated;
  }

  /** HMAC-SHA256 of the message under this key, Base64 URL-safe without padding (43 characters). */
  String sign(String message) {
    byte[] tag = macs.get().doFinal(message.getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
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
    return generated ? "OtpSecret[generated for development]" : "OtpSecret[configured]";
  }
}
