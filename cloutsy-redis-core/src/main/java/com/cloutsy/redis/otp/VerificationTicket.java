package com.cloutsy.redis.otp;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The proof that whoever holds it verified a phone: handed out by {@link OtpGuard#verify} and spent with
 * {@link OtpGuard#consumeVerification(String, String)}. Give it to the client that submitted the code and only to
 * it; whoever only knows the phone cannot spend the verification.
 *
 * <p>256 bits from {@link SecureRandom}, Base64 URL-safe without padding (43 characters). Redis holds only an HMAC
 * of it under the {@link OtpSecret}, so reading Redis does not give it away either. {@link #toString()} hides it.
 */
public final class VerificationTicket {

  /** Random bytes per ticket. */
  static final int BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String value;

  private VerificationTicket(String value) {
    this.value = value;
  }

  static VerificationTicket random() {
    byte[] bytes = new byte[BYTES];
    RANDOM.nextBytes(bytes);
    return new VerificationTicket(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  /** The ticket as the client gets it and sends it back. */
  public String value() {
    return value;
  }

  /** Never shows the ticket. */
  @Override
  public String toString() {
    return "VerificationTicket[****]";
  }
}
