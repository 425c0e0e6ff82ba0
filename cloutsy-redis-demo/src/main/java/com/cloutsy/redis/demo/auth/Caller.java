package com.cloutsy.redis.demo.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;
import java.util.Optional;

/**
 * The user behind a request, as its session token named them and the session store confirmed: a controller method
 * takes it as a parameter. Present on every route that {@link RequiresSession}, and on any other {@code /auth} or
 * {@code /api} route called with a valid token.
 *
 * @param userId the user's id
 * @param jti the id of the session the token stands for
 */
public record Caller(String userId, String jti) {

  /** The request attribute that holds the caller. */
  static final String ATTRIBUTE = Caller.class.getName();

  /** Checks for nulls. */
  public Caller {
    Objects.requireNonNull(userId, "userId must not be null");
    Objects.requireNonNull(jti, "jti must not be null");
  }

  /** The caller of {@code request}, when it sent a valid token. */
  public static Optional<Caller> of(HttpServletRequest request) {
    return request.getAttribute(ATTRIBUTE) instanceof Caller caller ? Optional.of(caller) : Optional.empty();
  }
}
