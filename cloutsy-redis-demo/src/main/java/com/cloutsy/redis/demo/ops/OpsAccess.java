package com.cloutsy.redis.demo.ops;

import com.cloutsy.redis.demo.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Who may use what the ops key guards: the ops endpoints ({@code /ops/api/**}), which show every user's sessions and
 * can revoke them, the Actuator's metrics, and publishing a notification.
 * <ul>
 *   <li>with {@code demo.ops.key} set, whoever sends it in the {@code X-Ops-Key} header or as
 *       {@code Authorization: Bearer <key>} (what a Prometheus scraper sends), in any profile;
 *   <li>without it, in the dev profile, only callers on this machine (loopback addresses): a developer's own page;
 *   <li>without it in any other profile, nobody: the endpoints answer {@code closed} until a key is set.
 * </ul>
 * A shared secret in a header, rather than a login, keeps the demo free of a security framework; a custom header
 * also keeps other web sites from making a visitor's browser call these endpoints (it needs a CORS preflight, which
 * this service never grants), and the revoking routes use DELETE, which needs one anyway. The loopback rule reads
 * {@code getRemoteAddr()}, so a reverse proxy on this machine, or forwarded headers the container trusts, make every
 * caller local: set a key wherever one is in front.
 */
final class OpsAccess implements HandlerInterceptor {

  /** The header that carries the ops key. */
  static final String HEADER = "X-Ops-Key";

  private static final String BEARER = "Bearer ";
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  private final @Nullable OpsKey key;
  private final boolean devProfile;
  private final HttpStatus closed;

  /**
   * The rule for one set of routes.
   *
   * @param key the ops key, or null when none is set
   * @param closed the answer to a caller the rule cannot let in whatever it sends: no key is set and the caller is not
   *     a loopback caller in the dev profile
   */
  OpsAccess(@Nullable OpsKey key, boolean devProfile, HttpStatus closed) {
    this.key = key;
    this.devProfile = devProfile;
    this.closed = closed;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
    check(request);
    return true;
  }

  /**
   * Lets the request through or refuses it.
   *
   * @throws ApiException {@code ops_key_required} (401) without the key when one is set, {@code ops_disabled} or
   *     {@code ops_local_only} (with the {@code closed} status) when none is
   */
  void check(HttpServletRequest request) {
    if (key != null) {
      String presented = presented(request);
      if (presented != null && key.matches(presented)) {
        return;
      }
      throw ApiException.of(HttpStatus.UNAUTHORIZED, "ops_key_required",
          "Send the ops key (demo.ops.key) in the " + HEADER + " header or as Authorization: Bearer <key>.");
    }
    if (!devProfile) {
      throw ApiException.of(closed, "ops_disabled", "Off until demo.ops.key (DEMO_OPS_KEY) is set; then send it in"
          + " the " + HEADER + " header.");
    }
    if (!isLoopback(request.getRemoteAddr())) {
      throw ApiException.of(closed, "ops_local_only",
          "Without demo.ops.key only this machine may call this; set one to call it from elsewhere.");
    }
  }

  /** Whether {@code address}, an IP literal as {@code getRemoteAddr()} gives it, is a loopback address. */
  static boolean isLoopback(String address) {
    // Only literals are parsed: a host name would be looked up, and getRemoteAddr() never gives one.
    if (address.indexOf(':') < 0 && !IPV4.matcher(address).matches()) {
      return false;
    }
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException notAnAddress) {
      return false;
    }
  }

  private static @Nullable String presented(HttpServletRequest request) {
    String header = request.getHeader(HEADER);
    if (header != null) {
      return header;
    }
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    return authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
        ? authorization.substring(BEARER.length()) : null;
  }
}
