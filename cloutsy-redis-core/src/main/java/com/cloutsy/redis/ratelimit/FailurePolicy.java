package com.cloutsy.redis.ratelimit;

/**
 * What a {@link RateLimiter} or {@link Cooldown} does when Redis cannot be asked (not connected, timed out, loading,
 * read-only after a failover).
 *
 * <p>The trade-off is availability against exactness. Failing closed keeps every limit exact across the fleet but
 * turns a Redis outage into an outage of everything the limiter guards. Failing open keeps serving, with each
 * application instance enforcing the limit on its own: N instances admit up to N times the limit while Redis is
 * away, and a client's counts from before the outage are not known locally. Choose {@link #FAIL_CLOSED} where a
 * limit protects something that must not be abused (OTP sending, password guessing), {@link #FAIL_OPEN} where it
 * protects capacity (API quotas).
 */
public enum FailurePolicy {

  /**
   * Throw {@link com.cloutsy.redis.RedisUnavailableException}: nothing is admitted that Redis did not count.
   */
  FAIL_CLOSED,

  /**
   * Decide with an in-memory insurance limiter of the same limit and algorithm in this process, and mark the
   * {@link Decision} as {@link Decision#decidedLocally() decided locally}. The next decision asks Redis again, so
   * limiting returns to Redis as soon as it answers. The insurance limiter keeps at most
   * {@value RateLimiter#LOCAL_KEYS} keys; beyond that the least recently used lose their counts. While Redis does
   * not answer at all (a stalled server rather than a closed connection), each decision first waits for the
   * command timeout.
   */
  FAIL_OPEN
}
