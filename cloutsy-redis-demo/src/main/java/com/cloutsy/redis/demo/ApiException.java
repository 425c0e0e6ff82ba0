package com.cloutsy.redis.demo;

import com.cloutsy.redis.ratelimit.RateLimitHeaders;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * An expected refusal of a request, answered as {@code {"error": "<code>", "message": "...", ...details}} with its
 * status and headers by {@link ApiErrors}. Controllers and interceptors throw it; it is never logged as a failure.
 */
public final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final HttpStatus status;
  private final String error;
  private final transient Map<String, Object> details = new LinkedHashMap<>();
  private final transient Map<String, String> headers = new LinkedHashMap<>();

  private ApiException(HttpStatus status, String error, String message) {
    super(message, null, false, false);
    this.status = status;
    this.error = error;
  }

  /**
   * A refusal with status {@code status}, the machine-readable {@code error} code and a message for people.
   *
   * @param message what went wrong and what to do; never a secret
   */
  public static ApiException of(HttpStatus status, String error, String message) {
    return new ApiException(status, error, message);
  }

  /** Adds a field to the JSON body, after {@code error} and {@code message}; returns this exception. */
  public ApiException with(String name, Object value) {
    details.put(name, value);
    return this;
  }

  /** Adds {@code Retry-After} in whole seconds, rounded up and at least 1; returns this exception. */
  public ApiException retryAfter(Duration delay) {
    headers.put(HttpHeaders.RETRY_AFTER, RateLimitHeaders.retryAfter(delay));
    return this;
  }

  /** Adds a response header; returns this exception. */
  public ApiException header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /** The HTTP status of the answer. */
  public HttpStatus status() {
    return status;
  }

  /** The machine-readable error code, such as {@code invalid_phone}. */
  public String error() {
    return error;
  }

  /** The JSON body: error, message, then the details in the order they were added. */
  public Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("message", getMessage());
    body.putAll(details);
    return Collections.unmodifiableMap(body);
  }

  /** The response headers besides the content type. */
  public Map<String, String> headers() {
    return Collections.unmodifiableMap(headers);
  }
}
