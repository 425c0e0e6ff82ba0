package com.cloutsy.redis.autoconfigure.web;

import com.cloutsy.redis.RedisMisconfigurationException;
import com.cloutsy.redis.RedisUnavailableException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers a {@link RedisUnavailableException} that reached Spring MVC with {@code 503 Service Unavailable},
 * {@code Retry-After} and {@code {"error":"redis_unavailable","message":...}}: the client may retry, and no internal
 * detail (host, port, command) reaches it. The exception is logged at WARN, at most once every 10 seconds.
 *
 * <p>A {@link RedisMisconfigurationException} (refused credentials or ACL rights) is answered
 * {@code 500 Internal Server Error} with {@code {"error":"redis_misconfigured",...}} and no {@code Retry-After}:
 * retrying does not help until an operator fixes the configuration, which the ERROR it is logged at (at most once
 * every 10 seconds) tells them.
 *
 * <p>It has the lowest precedence, so an {@code @ExceptionHandler} of the application for the same exception wins;
 * a bean of this type replaces it, and {@code cloutsy.redis.web.unavailable.enabled=false} removes it.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class RedisUnavailableHandler {

  private static final Logger log = LoggerFactory.getLogger(RedisUnavailableHandler.class);
  private static final long LOG_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();

  private final String retryAfter;
  private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
  private final AtomicLong lastMisconfigurationLogged = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

  /**
   * A handler telling clients to retry after {@code retryAfter}.
   *
   * @param retryAfter the delay for {@code Retry-After}, rounded up to whole seconds, at least 1
   */
  public RedisUnavailableHandler(Duration retryAfter) {
    long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
    this.retryAfter = Long.toString(Math.max(1, seconds));
  }

  /** The 503 answer. */
  @ExceptionHandler(RedisUnavailableException.class)
  public ResponseEntity<String> redisUnavailable(RedisUnavailableException unavailable) {
    if (due(lastLogged)) {
      log.warn("Answering 503: {} (further occurrences are not logged for 10 s)", unavailable.getMessage());
    }
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, retryAfter)
        .contentType(MediaType.APPLICATION_JSON)
        .body(JsonError.of("redis_unavailable",
            "A service this request needs is temporarily unavailable. Retry after " + retryAfter + " s."));
  }

  /** The 500 answer. */
  @ExceptionHandler(RedisMisconfigurationException.class)
  public ResponseEntity<String> redisMisconfigured(RedisMisconfigurationException misconfigured) {
    if (due(lastMisconfigurationLogged)) {
      log.error("Answering 500, fix the Redis credentials or ACL: {} (further occurrences are not logged for 10 s)",
          misconfigured.getMessage());
    }
    return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
        .contentType(MediaType.APPLICATION_JSON)
        .body(JsonError.of("redis_misconfigured",
            "A service this request needs is misconfigured; the operators have been told."));
  }

  /** Whether the interval since {@code last} is over, taking it for this caller if so. */
  private static boolean due(AtomicLong last) {
    long now = System.nanoTime();
    long before = last.get();
    return now - before >= LOG_INTERVAL_NANOS && last.compareAndSet(before, now);
  }

  @Override
  public String toString() {
    return "RedisUnavailableHandler[Retry-After " + retryAfter + "]";
  }
}
