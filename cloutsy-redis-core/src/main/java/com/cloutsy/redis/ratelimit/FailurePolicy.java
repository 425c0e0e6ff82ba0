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
 *
 * <p>Bound of {@link #FAIL_OPEN}: each instance's insurance limiter admits at most one quota of a key per outage (its
 * counts of a window outlive an outage, and a key that has used up its quota stays denied until its window ends even
 * while more than {@value RateLimiter#LOCAL_KEYS} other keys are tracked), so over one window the admissions of a key
 * across all instances are at most {@code quota x (1 + instances x outages)}, the quota counted in Redis included.
 * Redis that restarts without persistence forgets its counts and admits a quota again: with {@code appendfsync
 * always} it does not. A key that still has part of its quota can lose its local count to a spray of more than
 * {@value RateLimiter#LOCAL_KEYS} other keys. A refused credential or ACL right
 * ({@link com.cloutsy.redis.RedisMisconfigurationException}) is not an outage: neither policy decides locally on it.
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
