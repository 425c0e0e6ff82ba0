package com.cloutsy.redis.login;

import com.cloutsy.redis.script.MalformedReplyException;
import com.cloutsy.redis.script.Reply;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Whether a login attempt may go on to the password check, and if not, why and for how long.
 *
 * @param lockedBy the counter whose lockout refuses the attempt, or null when it is allowed
 * @param retryAfter how long the lockout lasts; zero when allowed
 * @param attemptsLeft failures still allowed before the first counter locks; zero when locked
 */
public record LoginCheck(@Nullable LockScope lockedBy, Duration retryAfter, int attemptsLeft) {

  /**
   * What {@code login-check.lua} answered for the counters of {@code scopes}, in their order: {@code {0, attempts
   * left, counter that started a lockout or 0}} when allowed, {@code {1, locked counter, ms left}} when locked.
   *
   * @throws com.cloutsy.redis.script.MalformedReplyException if the reply has another shape or names no counter
   */
  static LoginCheck fromReply(Reply reply, List<LockScope> scopes) {
    if (reply.integer(0) == 1) {
      int counter = reply.smallInteger(1);
      if (counter < 1 || counter > scopes.size()) {
        throw new MalformedReplyException(reply.script() + " named counter " + counter
            + " of " + scopes.size());
      }
      return locked(scopes.get(counter - 1), Duration.ofMillis(reply.integer(2)));
    }
    return allowed(reply.smallInteger(1));
  }

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
