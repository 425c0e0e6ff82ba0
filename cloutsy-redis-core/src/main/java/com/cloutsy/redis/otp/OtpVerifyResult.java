package com.cloutsy.redis.otp;

import com.cloutsy.redis.script.Reply;
import java.time.Duration;

/** What {@link OtpGuard#verify} found. */
public sealed interface OtpVerifyResult {

  /**
   * The result {@code otp-verify.lua} answered: {@code {status, n}}, status 0 verified (n the window in ms), 1 wrong
   * code (n attempts left), 2 too many attempts, 3 expired or never issued.
   *
   * @param ticket the ticket whose HMAC the script stored, if it verified
   * @throws com.cloutsy.redis.script.MalformedReplyException if the reply has another shape
   */
  static OtpVerifyResult fromReply(Reply reply, VerificationTicket ticket) {
    long status = reply.integer(0);
    if (status == 0) {
      return new Verified(Duration.ofMillis(reply.integer(1)), ticket);
    }
    if (status == 1) {
      return new WrongCode(reply.smallInteger(1));
    }
    return status == 2 ? new TooManyAttempts() : new Expired();
  }

  /** Whether the phone is now verified. */
  default boolean isVerified() {
    return this instanceof Verified;
  }

  /**
   * The code was right: it is deleted, and the phone is verified for the purpose, for the holder of the ticket.
   *
   * @param window how long the verification lasts unless it is consumed
   * @param ticket what the verifying client must present to spend the verification; hand it to that client only
   */
  record Verified(Duration window, VerificationTicket ticket) implements OtpVerifyResult {}

  /**
   * The code was wrong.
   *
   * @param attemptsLeft how many more attempts this code allows, at least 1
   */
  record WrongCode(int attemptsLeft) implements OtpVerifyResult {}

  /** The code's attempts are used up; the code is invalidated and a new one must be requested. */
  record TooManyAttempts() implements OtpVerifyResult {}

  /** No code is pending for the phone and purpose: it expired, was used, or was never issued. */
  record Expired() implements OtpVerifyResult {}
}
