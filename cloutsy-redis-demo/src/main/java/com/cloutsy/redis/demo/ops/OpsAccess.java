package com.cloutsy.redis.demo.ops;

import com.cloutsy.redis.demo.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Who may use the ops endpoints ({@code /ops/api/**}), which show every user's sessions and can revoke them:
 * <ul>
 *   <li>with {@code demo.ops.key} set, whoever sends it in the {@code X-Ops-Key} header, in any profile;
 *   <li>without it, in the dev profile, only callers on this machine (loopback addresses): a developer's own page;
 *   <li>without it in any other profile, nobody: the endpoints answer 403 until a key is set.
 * </ul>
 * A shared secret in a header, rather than a login, keeps the demo free of a security framework; a custom header
 * also keeps other web sites from making a visitor's browser call these endpoints (it needs a CORS preflight, which
 * this service never grants), and the revoking routes use DELETE, which needs one anyway. Keys are compared as
 * SHA-256 digests in constant time.
 */
final class OpsAccess implements HandlerInterceptor {

  /** The header that carries the ops key. */
  static final String HEADER = "X-Ops-Key";

  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  private final byte @Nullable [] keyDigest;
  private final boolean devProfile;

  OpsAccess(@Nullable String key, boolean devProfile) {
    this.keyDigest = key == null || key.isBlank() ? null : digest(key);
    this.devProfile = devProfile;
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (keyDigest != null) {
      String presented = request.getHeader(HEADER);
      if (presented != null && MessageDigest.isEqual(keyDigest, digest(presented))) {
        return true;
      }
      throw ApiException.of(HttpStatus.UNAUTHORIZED, "ops_key_required",
          "Send the ops key (demo.ops.key) in the " + HEADER + " header.");
    }
    if (!devProfile) {
      throw ApiException.of(HttpStatus.FORBIDDEN, "ops_disabled",
          "The ops endpoints are off: set demo.ops.key (DEMO_OPS_KEY) and send it in the " + HEADER + " header.");
    }
    if (!isLoopback(request.getRemoteAddr())) {
      throw ApiException.of(HttpStatus.FORBIDDEN, "ops_local_only",
          "Without demo.ops.key the ops endpoints answer only this machine; set one to use them from elsewhere.");
    }
    return true;
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

  private static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException unavailable) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", unavailable);
    }
  }
}
