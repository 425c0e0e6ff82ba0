package com.cloutsy.redis.demo.ops;

import com.cloutsy.redis.autoconfigure.web.RateLimitKeyResolver;
import com.cloutsy.redis.demo.ApiException;
import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.ratelimit.Decision;
import com.cloutsy.redis.ratelimit.FailurePolicy;
import com.cloutsy.redis.ratelimit.RateLimit;
import com.cloutsy.redis.ratelimit.RateLimitHeaders;
import com.cloutsy.redis.ratelimit.RateLimiter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Limits {@code /ops/api/**} per client address, ahead of {@link OpsAccess}, so that wrong keys count too, on the
 * seed's key {@code api:limit:ip:<address>:ops}. It fails closed whatever the service's other limits do: while Redis
 * cannot be asked, the ops endpoints answer 503 (the starter's answer to {@code RedisUnavailableException}) rather
 * than let an unbounded number of keyspace walks or guesses through.
 */
final class OpsRateLimit implements HandlerInterceptor {

  /** The limit's name, in the key and the {@code RateLimit-Policy} header. */
  static final String NAME = "ops";

  private final RateLimiter limiter;
  private final Keys keys;
  private final RateLimitKeyResolver resolver;
  private final RateLimit limit;

  OpsRateLimit(RateLimiter limiter, Keys keys, RateLimitKeyResolver resolver, RateLimit limit) {
    if (limiter.failurePolicy() != FailurePolicy.FAIL_CLOSED) {
      throw new IllegalArgumentException("the ops limit must fail closed, was " + limiter.failurePolicy());
    }
    this.limiter = limiter;
    this.keys = keys;
    this.resolver = resolver;
    this.limit = limit;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
    Decision decision = limiter.tryAcquire(keys.apiLimit("ip:" + resolver.clientAddress(request), NAME), limit);
    RateLimitHeaders.of(NAME, limit, decision).forEach(response::setHeader);
    if (!decision.allowed()) {
      throw ApiException.of(HttpStatus.TOO_MANY_REQUESTS, "rate_limited", "Too many ops requests from this address:"
          + " the limit is " + limit.limit() + " a minute.").retryAfter(decision.retryAfter());
    }
    return true;
  }
}
