package com.cloutsy.redis.otp;

import java.util.concurrent.CompletionStage;

/**
 * Delivers a code, by SMS or otherwise; the application supplies it. {@link OtpGuard} calls it after the code is
 * stored, on the guard's sender executor (never on the Redis client's I/O thread), so a blocking implementation is
 * fine. A failed stage gives the request back: the code is deleted, the cooldown lifted and the quota refunded, so
 * the caller can retry at once without being charged twice.
 */
@FunctionalInterface
public interface OtpSender {

  /**
   * Sends the code.
   *
   * @return a stage that completes when the provider accepted the message, or fails
   */
  CompletionStage<Void> send(OtpMessage message);
}
