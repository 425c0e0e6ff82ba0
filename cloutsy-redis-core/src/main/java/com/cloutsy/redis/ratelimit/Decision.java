package com.cloutsy.redis.ratelimit;

import com.cloutsy.redis.script.MalformedReplyException;
import com.cloutsy.redis.script.Reply;
import java.time.Duration;
import java.util.Objects;

/**
 * The answer to one rate-limit or cooldown request: whether it was admitted and what a client needs to pace itself
 * ({@link RateLimitHeaders} writes it as HTTP headers).
 *
 * @param allowed whether the permits were granted (for a peek: whether one permit would be)
 * @param limit the most permits that can be spent at once: the limit, plus the burst for GCRA
 * @param remaining permits still available now, after this request's
 * @param retryAfter when denied, how long until the same request would be admitted; zero when allowed
 * @param resetAfter how long until the full {@code limit} is available again if nothing more is spent; zero when
 *     it already is
 * @param decidedLocally whether Redis was unavailable and the in-process insurance limiter decided
 *     ({@link FailurePolicy#FAIL_OPEN})
 */
public record Decision(
    boolean allowed, long limit, long remaining, Duration retryAfter, Duration resetAfter, boolean decidedLocally) {

  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException if a count or duration is negative, or remaining exceeds limit
   * @throws NullPointerException if a duration is null
   */
  public Decision {
    Objects.requireNonNull(retryAfter, "retryAfter must not be null");
    Objects.requireNonNull(resetAfter, "resetAfter must not be null");
    if (limit < 0 || remaining < 0 || remaining > limit) {
      throw new IllegalArgumentException("need 0 <= remaining <= limit, was remaining " + remaining + ", limit "
          + limit);
    }
    if (retryAfter.isNegative() || resetAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter and resetAfter must not be negative, were " + retryAfter + ", "
          + resetAfter);
    }
  }

  /**
   * Reads the reply of this package's scripts, {@code {allowed 0|1, limit, remaining, retry_after_ms,
   * reset_after_ms}}, as a decision made by Redis.
   *
   * @throws MalformedReplyException if the reply does not have that shape, naming the script
   */
  public static Decision fromReply(Reply reply) {
    if (reply.size() != 5) {
      throw new MalformedReplyException(reply.script() + " replied " + reply.size() + " values, expected 5");
    }
    return new Decision(reply.integer(0) == 1, reply.integer(1), reply.integer(2),
        Duration.ofMillis(reply.integer(3)), Duration.ofMillis(reply.integer(4)), false);
  }
}
