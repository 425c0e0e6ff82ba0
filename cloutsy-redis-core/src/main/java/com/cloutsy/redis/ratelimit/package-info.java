/**
 * Rate limiting: {@link com.cloutsy.redis.ratelimit.RateLimiter} decides with a fixed window, a sliding window or
 * GCRA, one Lua script and one round trip per {@link com.cloutsy.redis.ratelimit.Decision};
 * {@link com.cloutsy.redis.ratelimit.Cooldown} allows an action at most once per period;
 * {@link com.cloutsy.redis.ratelimit.FailurePolicy} says what happens while Redis is unavailable, and
 * {@link com.cloutsy.redis.ratelimit.RateLimitHeaders} turns a decision into HTTP response headers.
 */
@NullMarked
package com.cloutsy.redis.ratelimit;

import org.jspecify.annotations.NullMarked;
