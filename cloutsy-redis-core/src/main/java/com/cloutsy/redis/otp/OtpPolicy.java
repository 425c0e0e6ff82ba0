package com.cloutsy.redis.otp;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link OtpGuard} issues and verifies codes. The defaults are the seed's: a 60 s cooldown, 5 requests per
 * 15 minutes, 5 verification attempts per code, a 15-minute verified window; codes have 6 digits and live 5
 * minutes (OWASP ASVS: at least 20 bits, at most 10 minutes).
 *
 * @param secret the HMAC key codes are stored under; required (see {@link OtpSecret})
 * @param codeLength digits per code, 4-10
 * @param codeTtl how long a code can be verified, up to 10 minutes
 * @param cooldown the least time between two requests for one phone
 * @param requestQuota requests per phone in one quota window
 * @param quotaWindow the window, which starts at the first request and is never extended
 * @param maxAttempts verification attempts per code; the code is invalidated after the last wrong one
 * @param verifiedTtl how long a verified phone stays verified unless the verification is consumed
 * @param acceptUnboundVerification whether {@link OtpGuard#consumeUnboundVerification} may spend the seed's bare
 *     {@code "1"} verified flag, which any caller that knows the phone can spend: only while a service on the seed's
 *     code still verifies phones against the same Redis, never otherwise (off by default)
 */
public record OtpPolicy(OtpSecret secret, int codeLength, Duration codeTtl, Duration cooldown, int requestQuota,
    Duration quotaWindow, int maxAttempts, Duration verifiedTtl, boolean acceptUnboundVerification) {

  /** The longest a code may live (OWASP ASVS 6.6.1 / NIST SP 800-63B). */
  public static final Duration MAX_CODE_TTL = Duration.ofMinutes(10);

  /** Validates every component; messages name the setting and what was expected. */
  public OtpPolicy {
    Objects.requireNonNull(secret, "OTP secret must be configured: without a server key a stored code hash"
        + " falls to a brute force of the code space (use OtpSecret.generateForDevelopment() only on a"
        + " developer's machine)");
    if (codeLength < 4 || codeLength > 10) {
      throw new IllegalArgumentException("codeLength must be 4-10, was " + codeLength);
    }
    requirePositive(codeTtl, "codeTtl");
    if (codeTtl.compareTo(MAX_CODE_TTL) > 0) {
      throw new IllegalArgumentException("codeTtl must be at most 10 minutes, was " + codeTtl);
    }
    requirePositive(cooldown, "cooldown");
    if (requestQuota < 1) {
      throw new IllegalArgumentException("requestQuota must be > 0, was " + requestQuota);
    }
    requirePositive(quotaWindow, "quotaWindow");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be > 0, was " + maxAttempts);
    }
    requirePositive(verifiedTtl, "verifiedTtl");
  }

  /** The seed's limits with the given secret. */
  public static OtpPolicy defaults(OtpSecret secret) {
    return new OtpPolicy(secret, 6, Duration.ofMinutes(5), Duration.ofSeconds(60), 5, Duration.ofMinutes(15), 5,
        Duration.ofMinutes(15), false);
  }

  /** A copy with another code length. */
  public OtpPolicy withCodeLength(int codeLength) {
    return new OtpPolicy(secret, codeLength, codeTtl, cooldown, requestQuota, quotaWindow, maxAttempts, verifiedTtl,
        acceptUnboundVerification);
  }

  /** A copy with another code lifetime. */
  public OtpPolicy withCodeTtl(Duration codeTtl) {
    return new OtpPolicy(secret, codeLength, codeTtl, cooldown, requestQuota, quotaWindow, maxAttempts, verifiedTtl,
        acceptUnboundVerification);
  }

  /** A copy with another cooldown. */
  public OtpPolicy withCooldown(Duration cooldown) {
    return new OtpPolicy(secret, codeLength, codeTtl, cooldown, requestQuota, quotaWindow, maxAttempts, verifiedTtl,
        acceptUnboundVerification);
  }

  /** A copy with another request quota and window. */
  public OtpPolicy withRequestQuota(int requestQuota, Duration quotaWindow) {
    return new OtpPolicy(secret, codeLength, codeTtl, cooldown, requestQuota, quotaWindow, maxAttempts, verifiedTtl,
        acceptUnboundVerification);
  }

  /** A copy with another number of attempts per code. */
  public OtpPolicy withMaxAttempts(int maxAttempts) {
    return new OtpPolicy(secret, codeLength, codeTtl, cooldown, requestQuota, quotaWindow, maxAttempts, verifiedTtl,
        acceptUnboundVerification);
  }

  /** A copy with another verified window. */
  public OtpPolicy withVerifiedTtl(Duration verifiedTtl) {
    return new OtpPolicy(secret, codeLength, codeTtl, cooldown, requestQuota, quotaWindow, maxAttempts, verifiedTtl,
        acceptUnboundVerification);
  }

  /**
   * A copy that lets {@link OtpGuard#consumeUnboundVerification} spend the seed's bare {@code "1"} flags, for a
   * migration from the seed's code; {@link OtpGuard} logs a warning when it is created with it.
   */
  public OtpPolicy withUnboundVerificationAccepted(boolean acceptUnboundVerification) {
    return new OtpPolicy(secret, codeLength, codeTtl, cooldown, requestQuota, quotaWindow, maxAttempts, verifiedTtl,
        acceptUnboundVerification);
  }

  private static void requirePositive(Duration value, String name) {
    Objects.requireNonNull(value, () -> name + " must not be null");
    if (value.isNegative() || value.toMillis() < 1) {
      throw new IllegalArgumentException(name + " must be at least 1 ms, was " + value);
    }
  }
}
