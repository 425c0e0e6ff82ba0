package com.cloutsy.redis.otp;

import java.time.Duration;

/**
 * A code to deliver, handed to the application's {@link OtpSender}. {@link #toString()} hides the code, so logging
 * a message by accident does not leak it.
 *
 * @param phone the E.164 number to send to
 * @param purpose what the code is for, e.g. {@code login}
 * @param code the digits to deliver
 * @param expiresIn how long the code can be verified
 */
public record OtpMessage(String phone, String purpose, String code, Duration expiresIn) {

  @Override
  public String toString() {
    return "OtpMessage[phone=" + phone + ", purpose=" + purpose + ", code=****, expiresIn=" + expiresIn + "]";
  }
}
