package com.cloutsy.redis.ratelimit;

/**
 * How a {@link RateLimit} counts. All three keep one small string key per limiter, decide in one round trip, and
 * let an idle key expire by itself.
 */
public enum Algorithm {

  /**
   * At most {@code limit} permits per window; the window starts with the first permit and is never extended by
   * later ones (the seed's {@code INCR} + {@code EXPIRE} moved it forward on every hit). Its key is the seed's
   * plain integer counter, so a NestJS service counting the same key stays compatible. A client may spend the
   * limit at the end of one window and again at the start of the next: up to twice the limit in a short span.
   */
  FIXED_WINDOW,

  /**
   * The weighted two-window counter: the count of the current window plus the previous window's count weighted by
   * how much of it the sliding window still covers. No burst at window edges, O(1) memory per key, and an
   * approximation: it assumes the previous window's permits were spread evenly.
   */
  SLIDING_WINDOW,

  /**
   * The generic cell rate algorithm, as in redis-cell: one stored time (the theoretical arrival time) per key.
   * Equivalent to a token bucket holding {@code limit + burst} permits that refills at {@code limit} per window,
   * continuously rather than in steps: exact, smooth, and the smallest key of the three.
   */
  GCRA
}
