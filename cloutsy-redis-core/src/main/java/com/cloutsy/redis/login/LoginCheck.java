package com.cloutsy.redis.login;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Whether a login attempt may go on to the password check, and if not, why and for how long.
 *
 * @param lockedBy the counter whose lockout refuses the attempt, or null when it is allowed
 * @param retryAfter how long the lockout lasts; zero when allowed
 * @param attemptsLeft failures still allowed before the first counter locks; zero when locked
 */
public record LoginCheck(@Nullable LockScope lockedBy, Duration retryAfter, int attemptsLeft) {

  /** An allowed attempt. */
  public static LoginCheck allowed(int attemptsLeft) {
    return new LoginCheck(null, Duration.ZERO, attemptsLeft);
  }

  /** A refused attempt. */
  public static LoginCheck locked(LockScope scope, Duration retryAfter) {
    return new LoginCheck(scope, retryAfter, 0);
  }

  /** Whether the attempt may go on to the password check. */
  public boolean isAllowed() {
    return lockedBy == null;
  }
}
