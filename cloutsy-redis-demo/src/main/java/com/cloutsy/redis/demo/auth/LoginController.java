package com.cloutsy.redis.demo.auth;

import com.cloutsy.redis.autoconfigure.RateLimitKey;
import com.cloutsy.redis.autoconfigure.web.RateLimited;
import com.cloutsy.redis.demo.ApiException;
import com.cloutsy.redis.login.LoginCheck;
import com.cloutsy.redis.login.LoginGuard;
import com.cloutsy.redis.otp.OtpGuard;
import com.cloutsy.redis.ratelimit.FailurePolicy;
import com.cloutsy.redis.session.Device;
import com.cloutsy.redis.session.Session;
import com.cloutsy.redis.session.SessionStore;
import com.cloutsy.redis.session.UserType;
import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Logging in: with a verified phone (spending its verification with the ticket the verify answer gave) or with a
 * password (behind the starter's {@link LoginGuard}). Each login creates a session in the {@link SessionStore} for the
 * device, with the request's {@code User-Agent}, and answers a signed token that names it.
 */
@RestController
@RequestMapping("/auth/login")
class LoginController {

  private static final int MAX_DEVICE_ID = 128;
  private static final int MAX_USER_AGENT = 512;
  private static final int MAX_TICKET = 64;
  /** The cookie that carries a browser's known-device token. */
  static final String DEVICE_COOKIE = "cloutsy_device";
  private static final Duration DEVICE_COOKIE_AGE = Duration.ofDays(400);

  private final ObjectProvider<OtpGuard> otp;
  private final LoginGuard loginGuard;
  private final SessionStore sessions;
  private final Tokens tokens;
  private final Users users;
  private final Clock clock = Clock.systemUTC();

  /**
   * The controller.
   *
   * @throws IllegalStateException if the login guard has no device key: without one, anyone can lock any account
   */
  LoginController(ObjectProvider<OtpGuard> otp, LoginGuard loginGuard, SessionStore sessions, Tokens tokens,
      Users users) {
    if (!loginGuard.knowsDevices()) {
      throw new IllegalStateException("cloutsy.redis.login.device-secret (CLOUTSY_REDIS_LOGIN_DEVICE_SECRET) is not"
          + " set: password logins need it to keep the devices an owner logged in on out of lockouts an attacker"
          + " causes. Set it to the same secret on every instance, e.g. the output of 'openssl rand -base64 32'.");
    }
    this.otp = otp;
    this.loginGuard = loginGuard;
    this.sessions = sessions;
    this.tokens = tokens;
    this.users = users;
  }

  record PhoneLogin(@Nullable String phone, @Nullable String ticket, @Nullable String deviceId,
      @Nullable String userType) {
    @Override
    public String toString() {
      return "PhoneLogin[" + phone + ", ticket=****, " + deviceId + ", " + userType + "]";
    }
  }

  record PasswordLogin(@Nullable String identifier, @Nullable String password, @Nullable String deviceId,
      @Nullable String deviceToken) {
    @Override
    public String toString() {
      return "PasswordLogin[" + identifier + ", password=****, " + deviceId + ", deviceToken=****]";
    }
  }

  /**
   * A new session.
   *
   * @param token the bearer token for this session; opaque
   * @param expiresAt when the session ends unless it is used again before (each use slides it, up to the session's
   *     absolute lifetime)
   * @param deviceToken for a password login, this device's known-device token (also set as the
   *     {@value #DEVICE_COOKIE} cookie): sent with the next login, it keeps this device out of lockouts that an
   *     attack on the identifier from elsewhere causes
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record LoggedIn(String token, String userId, String jti, Instant expiresAt, @Nullable String deviceToken) {
    @Override
    public String toString() {
      return "LoggedIn[token=****, " + userId + ", " + jti + ", " + expiresAt + ", deviceToken=****]";
    }

    LoggedIn withDeviceToken(String deviceToken) {
      return new LoggedIn(token, userId, jti, expiresAt, deviceToken);
    }
  }

  /**
   * 201 with a token for a phone verified with {@code POST /auth/otp/verify}, given the ticket that answer carried;
   * 403 {@code not_verified} without a pending verification or with another ticket. The first login of a phone
   * fixes its {@code userType}: later ones may leave it out, and one that names another type is 409
   * {@code user_type_fixed}, with nothing spent.
   */
  @PostMapping
  @RateLimited(name = "auth-login", limit = 30, window = "1m", key = RateLimitKey.IP,
      failurePolicy = FailurePolicy.FAIL_CLOSED)
  ResponseEntity<LoggedIn> withPhone(@RequestBody PhoneLogin body, HttpServletRequest request) {
    String phone = OtpController.validPhone(body.phone());
    String deviceId = deviceId(body.deviceId(), null);
    @Nullable UserType requested = body.userType() == null ? null : userType(body.userType());
    Optional<UserType> fixed = users.phoneUserType(phone);
    if (fixed.isPresent() && requested != null && requested != fixed.get()) {
      throw ApiException.of(HttpStatus.CONFLICT, "user_type_fixed",
          "This phone's account is of type \"" + fixed.get().stored() + "\", chosen at its first login.");
    }
    @Nullable UserType userType = fixed.orElse(requested);
    if (userType == null) {
      throw ApiException.of(HttpStatus.BAD_REQUEST, "invalid_user_type",
          "The first login of a phone chooses its userType: \"influencer\" or \"brand\".");
    }
    if (!consumeVerification(phone, body.ticket())) {
      throw ApiException.of(HttpStatus.FORBIDDEN, "not_verified",
          "This phone has no verification for this ticket: request and verify a code, then send the ticket the"
              + " verify answer gave.");
    }
    Users.User user = users.phoneUser(phone, userType);
    return ResponseEntity.status(HttpStatus.CREATED).body(login(user, deviceId, request));
  }

  /**
   * Spends the phone's verification: with the ticket, or without one only where the OTP policy accepts the seed's
   * unbound verifications for a migration.
   */
  private boolean consumeVerification(String phone, @Nullable String ticket) {
    OtpGuard guard = otp.getIfAvailable();
    if (guard == null) {
      return false;
    }
    if (ticket != null && !ticket.isEmpty()) {
      return ticket.length() <= MAX_TICKET && guard.consumeVerification(phone, ticket);
    }
    return guard.policy().acceptUnboundVerification() && guard.consumeUnboundVerification(phone);
  }

  /**
   * 200 with a token for a demo account's password and a known-device token (body and {@value #DEVICE_COOKIE} cookie);
   * 401 {@code invalid_credentials} for a wrong identifier or password; 423 {@code locked} with {@code Retry-After}
   * once the identifier (from this address, or from anywhere) or this address failed too often. A device that sends
   * the known-device token of an earlier login of this identifier, as the cookie or as {@code deviceToken}, is
   * locked only by its own failures (OWASP's device cookies), so an attacker cannot lock the owner out of it.
   */
  @PostMapping("/password")
  @RateLimited(name = "auth-login", limit = 30, window = "1m", key = RateLimitKey.IP,
      failurePolicy = FailurePolicy.FAIL_CLOSED)
  LoggedIn withPassword(@RequestBody PasswordLogin body, HttpServletRequest request, HttpServletResponse response) {
    String identifier = body.identifier() == null ? "" : Users.canonical(body.identifier());
    if (identifier.isEmpty() || identifier.length() > 256 || body.password() == null) {
      throw ApiException.of(HttpStatus.BAD_REQUEST, "invalid_request",
          "Send {\"identifier\", \"password\"}; the identifier has 1-256 characters.");
    }
    String deviceId = deviceId(body.deviceId(), "web");
    String address = request.getRemoteAddr();
    String deviceToken = body.deviceToken() != null ? body.deviceToken() : deviceCookie(request);
    LoginCheck check = loginGuard.check(identifier, address, deviceToken);
    if (!check.isAllowed()) {
      throw ApiException.of(HttpStatus.LOCKED, "locked",
          "Too many failed logins: this login is locked for a while.").retryAfter(check.retryAfter());
    }
    Optional<Users.User> user = users.authenticate(identifier, body.password());
    if (user.isEmpty()) {
      loginGuard.recordFailure(identifier, address, deviceToken);
      throw ApiException.of(HttpStatus.UNAUTHORIZED, "invalid_credentials", "The identifier or password is wrong.");
    }
    loginGuard.recordSuccess(identifier, address, deviceToken);
    String known = loginGuard.issueDeviceToken(identifier);
    ResponseCookie cookie = ResponseCookie.from(DEVICE_COOKIE, known).httpOnly(true).secure(request.isSecure())
        .sameSite("Strict").path("/auth/login").maxAge(DEVICE_COOKIE_AGE).build();
    response.addHeader(HttpHeaders.SET_COOKIE, cookie.toString());
    return login(user.get(), deviceId, request).withDeviceToken(known);
  }

  private static @Nullable String deviceCookie(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return null;
    }
    for (Cookie cookie : cookies) {
      if (DEVICE_COOKIE.equals(cookie.getName())) {
        return cookie.getValue();
      }
    }
    return null;
  }

  private LoggedIn login(Users.User user, String deviceId, HttpServletRequest request) {
    String userAgent = request.getHeader(HttpHeaders.USER_AGENT);
    userAgent = userAgent == null ? "" : userAgent.substring(0, Math.min(userAgent.length(), MAX_USER_AGENT));
    Session session = sessions.create(user.id(), Device.of(deviceId, userAgent, user.type())).session();
    return new LoggedIn(tokens.issue(user.id(), session.jti()), user.id(), session.jti(),
        clock.instant().plus(session.remainingTtl()), null);
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
