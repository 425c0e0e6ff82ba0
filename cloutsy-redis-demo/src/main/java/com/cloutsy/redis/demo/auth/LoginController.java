package com.cloutsy.redis.demo.auth;

import com.cloutsy.redis.autoconfigure.web.RateLimitKey;
import com.cloutsy.redis.autoconfigure.web.RateLimited;
import com.cloutsy.redis.demo.ApiException;
import com.cloutsy.redis.login.LoginCheck;
import com.cloutsy.redis.login.LoginGuard;
import com.cloutsy.redis.otp.OtpGuard;
import com.cloutsy.redis.session.Device;
import com.cloutsy.redis.session.Session;
import com.cloutsy.redis.session.SessionStore;
import com.cloutsy.redis.session.UserType;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Logging in: with a verified phone (spending its verification) or with a password (behind the starter's
 * {@link LoginGuard}). Each login creates a session in the {@link SessionStore} for the device, with the request's
 * {@code User-Agent}, and answers a signed token that names it.
 */
@RestController
@RequestMapping("/auth/login")
class LoginController {

  private static final int MAX_DEVICE_ID = 128;
  private static final int MAX_USER_AGENT = 512;

  private final ObjectProvider<OtpGuard> otp;
  private final LoginGuard loginGuard;
  private final SessionStore sessions;
  private final Tokens tokens;
  private final Users users;
  private final Clock clock = Clock.systemUTC();

  LoginController(ObjectProvider<OtpGuard> otp, LoginGuard loginGuard, SessionStore sessions, Tokens tokens,
      Users users) {
    this.otp = otp;
    this.loginGuard = loginGuard;
    this.sessions = sessions;
    this.tokens = tokens;
    this.users = users;
  }

  record PhoneLogin(@Nullable String phone, @Nullable String deviceId, @Nullable String userType) {}

  record PasswordLogin(@Nullable String identifier, @Nullable String password, @Nullable String deviceId) {
    @Override
    public String toString() {
      return "PasswordLogin[" + identifier + ", password=****, " + deviceId + "]";
    }
  }

  /**
   * A new session.
   *
   * @param token the bearer token for this session; opaque
   * @param expiresAt when the session ends unless it is used again before (each use slides it, up to the session's
   *     absolute lifetime)
   */
  record LoggedIn(String token, String userId, String jti, Instant expiresAt) {
    @Override
    public String toString() {
      return "LoggedIn[token=****, " + userId + ", " + jti + ", " + expiresAt + "]";
    }
  }

  /** 201 with a token for a phone verified with {@code POST /auth/otp/verify}; 403 {@code not_verified} otherwise. */
  @PostMapping
  @RateLimited(name = "auth-login", limit = 30, window = "1m", key = RateLimitKey.IP)
  ResponseEntity<LoggedIn> withPhone(@RequestBody PhoneLogin body, HttpServletRequest request) {
    String phone = OtpController.validPhone(body.phone());
    String deviceId = deviceId(body.deviceId(), null);
    UserType type = userType(body.userType());
    OtpGuard guard = otp.getIfAvailable();
    if (guard == null || !guard.consumeVerification(phone)) {
      throw ApiException.of(HttpStatus.FORBIDDEN, "not_verified",
          "This phone has no unspent verification: request and verify a code first.");
    }
    Users.User user = users.phoneUser(phone, type);
    return ResponseEntity.status(HttpStatus.CREATED).body(login(user, deviceId, request));
  }

  /**
   * 200 with a token for a demo account's password; 401 {@code invalid_credentials} for a wrong identifier or
   * password; 423 {@code locked} with {@code Retry-After} once the identifier (from this address, or from anywhere)
   * or this address failed too often.
   */
  @PostMapping("/password")
  @RateLimited(name = "auth-login", limit = 30, window = "1m", key = RateLimitKey.IP)
  LoggedIn withPassword(@RequestBody PasswordLogin body, HttpServletRequest request) {
    String identifier = body.identifier() == null ? "" : Users.canonical(body.identifier());
    if (identifier.isEmpty() || identifier.length() > 256 || body.password() == null) {
      throw ApiException.of(HttpStatus.BAD_REQUEST, "invalid_request",
          "Send {\"identifier\", \"password\"}; the identifier has 1-256 characters.");
    }
    String deviceId = deviceId(body.deviceId(), "web");
    String address = request.getRemoteAddr();
    LoginCheck check = loginGuard.check(identifier, address);
    if (!check.isAllowed()) {
      throw ApiException.of(HttpStatus.LOCKED, "locked",
          "Too many failed logins: this login is locked for a while.").retryAfter(check.retryAfter());
    }
    Optional<Users.User> user = users.authenticate(identifier, body.password());
    if (user.isEmpty()) {
      loginGuard.recordFailure(identifier, address);
      throw ApiException.of(HttpStatus.UNAUTHORIZED, "invalid_credentials", "The identifier or password is wrong.");
    }
    loginGuard.recordSuccess(identifier, address);
    return login(user.get(), deviceId, request);
  }

  private LoggedIn login(Users.User user, String deviceId, HttpServletRequest request) {
    String userAgent = request.getHeader(HttpHeaders.USER_AGENT);
    userAgent = userAgent == null ? "" : userAgent.substring(0, Math.min(userAgent.length(), MAX_USER_AGENT));
    Session session = sessions.create(user.id(), Device.of(deviceId, userAgent, user.type())).session();
    return new LoggedIn(tokens.issue(user.id(), session.jti()), user.id(), session.jti(),
        clock.instant().plus(session.remainingTtl()));
  }

  private static String deviceId(@Nullable String deviceId, @Nullable String fallback) {
    String id = deviceId == null || deviceId.isBlank() ? fallback : deviceId.strip();
    if (id == null || id.length() > MAX_DEVICE_ID) {
      throw ApiException.of(HttpStatus.BAD_REQUEST, "invalid_device_id",
          "deviceId must be 1-" + MAX_DEVICE_ID + " characters.");
    }
    return id;
  }

  private static UserType userType(@Nullable String userType) {
    try {
      return UserType.fromStored(userType == null ? "" : userType);
    } catch (IllegalArgumentException unknown) {
      throw ApiException.of(HttpStatus.BAD_REQUEST, "invalid_user_type",
          "userType must be \"influencer\" or \"brand\".");
    }
  }
}
