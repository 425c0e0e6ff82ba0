package com.cloutsy.redis.demo;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.exc.StreamConstraintsException;

/**
 * Answers every expected failure of a route with the demo's JSON error body, {@code {"error", "message"}}:
 * {@link ApiException}s, malformed requests (400), unknown routes (404), wrong methods (405) and media types (415), a
 * body over {@code demo.max-request-bytes} (413) and JSON over {@link RequestLimits}' depth or string length (400:
 * the body's size was acceptable, its content is not).
 * Redis trouble is left to the starter's {@code RedisUnavailableHandler} (503 {@code redis_unavailable}), which has
 * the lowest precedence; anything else reaches {@link JsonErrorController} as a 500.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ApiErrors extends ResponseEntityExceptionHandler {

  @ExceptionHandler(ApiException.class)
  ResponseEntity<Map<String, Object>> refused(ApiException refused) {
    return builder(refused).body(refused.body());
  }

  /** A core call refused an argument (an id too long, a character it cannot store): the client's mistake. */
  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<Map<String, Object>> invalidArgument(IllegalArgumentException invalid) {
    return refused(ApiException.of(HttpStatus.BAD_REQUEST, "invalid_argument", String.valueOf(invalid.getMessage())));
  }

  /** A body too large or too deep surfaces as an unreadable message; its cause tells which. */
  @Override
  protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException unreadable,
      HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    for (Throwable cause = unreadable.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof RequestSizeLimit.BodyTooLargeException tooLarge) {
        return answer(ApiException.of(HttpStatus.CONTENT_TOO_LARGE, "content_too_large",
            Objects.requireNonNullElse(tooLarge.getMessage(), "The request body is too large.")));
      }
      if (cause instanceof StreamConstraintsException) {
        return answer(ApiException.of(HttpStatus.BAD_REQUEST, "json_too_complex", "The JSON is over this"
            + " service's limits: at most " + RequestLimits.MAX_NESTING_DEPTH + " levels of nesting and strings of"
            + " at most " + RequestLimits.MAX_STRING_LENGTH + " characters."));
      }
    }
    return super.handleHttpMessageNotReadable(unreadable, headers, status, request);
  }

  @Override
  protected ResponseEntity<Object> handleExceptionInternal(Exception failure, @Nullable Object body,
      HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String message;
    if (failure instanceof HttpMessageNotReadableException) {
      message = "The request body is missing or is not the JSON this route takes.";
    } else if (failure instanceof NoResourceFoundException && request instanceof ServletWebRequest servlet) {
      message = "Nothing answers " + servlet.getHttpMethod() + " " + servlet.getRequest().getRequestURI() + ".";
    } else {
      message = String.valueOf(failure.getMessage());
    }
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("error", code(status));
    error.put("message", message);
    // The headers given may be read-only.
    HttpHeaders answer = new HttpHeaders();
    answer.addAll(headers);
    answer.setContentType(MediaType.APPLICATION_JSON);
    return ResponseEntity.status(status).headers(answer).body(error);
  }

  private static ResponseEntity<Object> answer(ApiException refused) {
    return builder(refused).body(refused.body());
  }

  private static ResponseEntity.BodyBuilder builder(ApiException refused) {
    ResponseEntity.BodyBuilder answer = ResponseEntity.status(refused.status()).contentType(MediaType.APPLICATION_JSON);
    refused.headers().forEach(answer::header);
    return answer;
  }

  /** {@code 404} → {@code not_found}: the reason phrase in snake case. */
  static String code(HttpStatusCode status) {
    HttpStatus known = HttpStatus.resolve(status.value());
    return known == null ? "http_" + status.value() : known.name().toLowerCase(Locale.ROOT);
  }
}
