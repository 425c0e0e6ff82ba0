package com.cloutsy.redis.autoconfigure.web;

import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Tells {@link RateLimited} routes who is calling. Declare a bean of this type to replace the default, which takes
 * the user from the request's {@link Principal} (Spring Security sets it) and the address from
 * {@link HttpServletRequest#getRemoteAddr()}.
 *
 * <p>The address is the TCP peer's: headers such as {@code X-Forwarded-For} are not read here, because any client can
 * send them and so pick its own rate-limit key. Behind a trusted proxy, let Spring apply them
 * ({@code server.forward-headers-strategy=native} or {@code framework}), and {@code getRemoteAddr()} is the client's.
 */
public interface RateLimitKeyResolver {

  /** The default: the principal's name, and the TCP peer's address. */
  RateLimitKeyResolver DEFAULT = new RateLimitKeyResolver() {};

  /**
   * The id of the user making the request, or null for an anonymous request; by default the principal's name.
   * Called on the request's thread before the controller.
   */
  default @Nullable String userId(HttpServletRequest request) {
    Principal principal = request.getUserPrincipal();
    return principal == null ? null : principal.getName();
  }

  /** The client's address; by default {@link HttpServletRequest#getRemoteAddr()}. */
  default String clientAddress(HttpServletRequest request) {
    return request.getRemoteAddr();
  }

  /**
   * A resolver that takes the user from {@code userId} (null for anonymous), e.g. from a request attribute that the
   * application's authentication filter set, and the address as the default does.
   */
  static RateLimitKeyResolver byUserId(Function<HttpServletRequest, @Nullable String> userId) {
    if (userId == null) {
      throw new NullPointerException("userId must not be null");
    }
    return new RateLimitKeyResolver() {
      @Override
      public @Nullable String userId(HttpServletRequest request) {
        return userId.apply(request);
      }
    };
  }
}
