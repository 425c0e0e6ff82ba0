package com.cloutsy.redis.demo.auth;

import com.cloutsy.redis.demo.ApiException;
import com.cloutsy.redis.session.SessionStore;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Authenticates the session routes of {@code /auth} and every {@code /api} route: reads
 * {@code Authorization: Bearer <token>}, checks its
 * MAC ({@link Tokens}), and touches its session ({@link SessionStore#touch}: one script that slides the expiry,
 * records {@code lastSeenAt} and answers whether the session still exists). A revoked or expired session, a forged
 * token and, on a {@link RequiresSession} route, a missing token are answered 401; the caller is put on the request
 * for the controller and for the rate limits, which run after this interceptor.
 *
 * <p>{@code /api} routes without {@link RequiresSession} serve anonymous callers too, but a token they are sent must
 * be valid. The login and OTP routes are not authenticated at all, so a stale token a client still sends cannot stop
 * it from logging in again. Sessions fail closed: while Redis cannot be asked, the starter answers 503.
 */
final class SessionAuthentication implements HandlerInterceptor {

  private static final String BEARER = "Bearer ";

  private final Tokens tokens;
  private final SessionStore sessions;

  SessionAuthentication(Tokens tokens, SessionStore sessions) {
    this.tokens = tokens;
    this.sessions = sessions;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
    // A stream's completion dispatches the request again; it was authenticated when it started.
    if (request.getDispatcherType() == DispatcherType.ASYNC || !(handler instanceof HandlerMethod method)) {
      return true;
    }
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization == null) {
      if (method.hasMethodAnnotation(RequiresSession.class)) {
        throw ApiException.of(HttpStatus.UNAUTHORIZED, "missing_token",
            "This route needs a session: send Authorization: Bearer <token> from POST /auth/login.")
            .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"cloutsy-demo\"");
      }
      return true;
    }
    if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw invalid("Send the token as Authorization: Bearer <token>.");
    }
    Caller claimed = tokens.read(authorization.substring(BEARER.length()).strip())
        .orElseThrow(() -> invalid("The token is malformed or its signature does not match."));
    if (sessions.touch(claimed.userId(), claimed.jti()).isEmpty()) {
      throw invalid("The session has ended: it was revoked, logged out or expired. Log in again.");
    }
    request.setAttribute(Caller.ATTRIBUTE, claimed);
    return true;
  }

  private static ApiException invalid(String message) {
    return ApiException.of(HttpStatus.UNAUTHORIZED, "invalid_token", message)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"cloutsy-demo\", error=\"invalid_token\"");
  }
}
