package com.cloutsy.redis.otp;

import java.time.Duration;

/** What {@link OtpGuard#request} did: a code was issued and sent, or the request was refused. */
public sealed interface OtpRequestResult {

  /**
   * A code was stored and handed to the {@link OtpSender}.
   *
   * @param expiresIn how long the code can be verified
   * @param cooldown how long until the phone may request again
   */
  record Issued(Duration expiresIn, Duration cooldown) implements OtpRequestResult {}

  /**
   * Refused: the phone requested a code too recently.
   *
   * @param retryAfter time left in the cooldown
   */
  record CooldownActive(Duration retryAfter) implements OtpRequestResult {}

  /**
   * Refused: the phone used up its requests for the current window.
   *
   * @param retryAfter time until the window ends
   */
  record QuotaExceeded(Duration retryAfter) implements OtpRequestResult {}

  /**
   * The code could not be sent; the request was given back (no cooldown, no quota spent, no code left behind).
   *
   * @param cause what the sender reported
   */
  record SendFailed(Throwable cause) implements OtpRequestResult {}
}
