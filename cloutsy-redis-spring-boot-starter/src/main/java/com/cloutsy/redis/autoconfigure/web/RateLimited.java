package com.cloutsy.redis.autoconfigure.web;

import com.cloutsy.redis.autoconfigure.RateLimitKey;
import com.cloutsy.redis.ratelimit.FailurePolicy;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits how often a route of a Spring MVC controller may be called, per user or per client address, counted in
 * Redis so that every instance shares the count. On a class, it applies to each of its routes separately; on a
 * method, it replaces the class's.
 *
 * <pre>{@code
 * @GetMapping("/feed")
 * @RateLimited(limit = 100, window = "1m", key = RateLimitKey.USER)
 * List<Post> feed(Principal user) { ... }
 * }</pre>
 *
 * <p>Every answer carries the {@code RateLimit-Policy}, {@code RateLimit}, {@code RateLimit-Limit},
 * {@code RateLimit-Remaining} and {@code RateLimit-Reset} headers; a request over the limit is answered
 * {@code 429 Too Many Requests} with {@code Retry-After} and {@code {"error":"rate_limited","message":...}}, and the
 * method does not run. While Redis cannot be asked, the route's {@link #failurePolicy()} decides, else
 * {@code cloutsy.redis.web.rate-limit.failure-policy}: {@code fail-open} (the default) limits in memory per instance,
 * {@code fail-closed} answers 503. Fail-open admits, over one window, at most quota x (1 + instances x outages) of a
 * key (see {@link FailurePolicy}); give routes that guard credentials or send messages (logins, OTP) fail-closed, so
 * an outage of Redis is never a window for guessing.
 *
 * <p>Values left at their defaults come from {@code cloutsy.redis.web.rate-limit.*}; a route with a {@link #name()}
 * takes any value set in {@code cloutsy.redis.web.rate-limit.policies.<name>.*} over the annotation's, so operations
 * can change a limit without a build.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RateLimited {

  /** Permits per window; 0 takes {@code cloutsy.redis.web.rate-limit.default-limit}. */
  long limit() default 0;

  /**
   * The window, as {@code 500ms}, {@code 30s}, {@code 1m}, {@code 1h}, {@code 1d} or ISO-8601 ({@code PT1M}); empty
   * takes {@code cloutsy.redis.web.rate-limit.default-window}.
   */
  String window() default "";

  /** Whom the limit counts: the user (by default) or the client address. */
  RateLimitKey key() default RateLimitKey.USER;

  /** Extra permits a client may spend at once after being idle, beyond {@link #limit()}; GCRA only. */
  long burst() default 0;

  /**
   * The limit's name: the policy name in the headers, the endpoint in the key, and the entry of
   * {@code cloutsy.redis.web.rate-limit.policies}. Empty names each route by its HTTP method and path pattern
   * ({@code GET /api/feed/{id}}); routes that share a name share one count.
   */
  String name() default "";

  /**
   * What this route does while Redis cannot be asked: empty (the default) takes
   * {@code cloutsy.redis.web.rate-limit.failure-policy}; one value is this route's. The named policy's
   * {@code failure-policy} property wins over both.
   */
  FailurePolicy[] failurePolicy() default {};
}
