package com.cloutsy.redis.login;

import java.time.Duration;
import java.util.Objects;

/**
 * The thresholds of {@link LoginGuard}. Defaults: an identifier from one address locks after 5 failures in 15
 * minutes, for 15 minutes; an identifier from anywhere after 20 failures in an hour; an address after 50 failures in
 * 15 minutes across identifiers; one known device of an identifier after 5 failures in 15 minutes, for 15 minutes.
 * Progressive lockout is off: each lockout lasts the same.
 *
 * @param pair failures of one identifier from one address
 * @param identifier failures of one identifier from any address: at most 100 (NIST SP 800-63B 5.2.2), and no fewer
 *     than the pair's, so the pair locks first
 * @param address failures from one address across identifiers
 * @param device failures of one identifier from one known device; a login from a known device counts against this
 *     threshold only (OWASP's device cookies), see {@link LoginGuard}
 * @param maxLockout the longest a lockout may grow to: above the thresholds' own lockouts, each further lockout of
 *     a counter doubles until this cap (a counter's lockout level is forgotten {@link #LEVEL_MEMORY} after its last
 *     lockout, and on a successful login); equal to or below them, lockouts do not grow
 */
public record LoginPolicy(Threshold pair, Threshold identifier, Threshold address, Threshold device,
    Duration maxLockout) {

  /** The most consecutive failures NIST SP 800-63B allows on one account without a lockout. */
  public static final int NIST_MAX_FAILURES = 100;

  /** How long a counter's lockout level is remembered after its last lockout. */
  public static final Duration LEVEL_MEMORY = Duration.ofDays(1);

  /** Validates the thresholds against each other. */
  public LoginPolicy {
    Objects.requireNonNull(pair, "pair must not be null");
    Objects.requireNonNull(identifier, "identifier must not be null");
    Objects.requireNonNull(address, "address must not be null");
    Objects.requireNonNull(device, "device must not be null");
    Objects.requireNonNull(maxLockout, "maxLockout must not be null");
    if (identifier.maxFailures() > NIST_MAX_FAILURES) {
      throw new IllegalArgumentException("identifier maxFailures must be at most " + NIST_MAX_FAILURES
          + " (NIST SP 800-63B), was " + identifier.maxFailures());
    }
    if (pair.maxFailures() > identifier.maxFailures()) {
      throw new IllegalArgumentException("pair maxFailures (" + pair.maxFailures() + ") must not exceed identifier"
          + " maxFailures (" + identifier.maxFailures() + "): the pair must lock first");
    }
  }

  /** The defaults described above. */
  public static LoginPolicy defaults() {
    Duration quarterHour = Duration.ofMinutes(15);
    return new LoginPolicy(new Threshold(5, quarterHour, quarterHour),
        new Threshold(20, Duration.ofHours(1), quarterHour), new Threshold(50, quarterHour, quarterHour),
        new Threshold(5, quarterHour, quarterHour), quarterHour);
  }

  /** A copy with another pair threshold. */
  public LoginPolicy withPair(Threshold pair) {
    return new LoginPolicy(pair, identifier, address, device, maxLockout);
  }

  /** A copy with another identifier threshold. */
  public LoginPolicy withIdentifier(Threshold identifier) {
    return new LoginPolicy(pair, identifier, address, device, maxLockout);
  }

  /** A copy with another address threshold. */
  public LoginPolicy withAddress(Threshold address) {
    return new LoginPolicy(pair, identifier, address, device, maxLockout);
  }

  /** A copy with another known-device threshold. */
  public LoginPolicy withDevice(Threshold device) {
    return new LoginPolicy(pair, identifier, address, device, maxLockout);
  }

  /** A copy whose lockouts double with each further lockout, up to {@code maxLockout}. */
  public LoginPolicy withProgressiveLockout(Duration maxLockout) {
    return new LoginPolicy(pair, identifier, address, device, maxLockout);
  }

  /**
   * When one failure counter locks.
   *
   * @param maxFailures failures that lock, counted from the first one in a window
   * @param window how long failures are counted before the count starts again
   * @param lockout how long the lockout lasts (the first one, with progressive lockout)
   */
  public record Threshold(int maxFailures, Duration window, Duration lockout) {

    /** Validates every component. */
    public Threshold {
      if (maxFailures < 1) {
        throw new IllegalArgumentException("maxFailures must be > 0, was " + maxFailures);
      }
      Objects.requireNonNull(window, "window must not be null");
      Objects.requireNonNull(lockout, "lockout must not be null");
      if (window.toMillis() < 1) {
        throw new IllegalArgumentException("window must be at least 1 ms, was " + window);
      }
      if (lockout.toMillis() < 1) {
        throw new IllegalArgumentException("lockout must be at least 1 ms, was " + lockout);
      }
    }
  }
}
