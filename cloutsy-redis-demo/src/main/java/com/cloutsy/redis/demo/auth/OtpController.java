package com.cloutsy.redis.demo.auth;

import com.cloutsy.redis.autoconfigure.RateLimitKey;
import com.cloutsy.redis.autoconfigure.web.RateLimited;
import com.cloutsy.redis.demo.ApiException;
import com.cloutsy.redis.otp.OtpGuard;
import com.cloutsy.redis.otp.OtpRequestResult;
import com.cloutsy.redis.otp.OtpVerifyResult;
import com.cloutsy.redis.ratelimit.FailurePolicy;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Phone verification with one-time codes, through the starter's {@link OtpGuard}: request a code, verify it. The
 * verify answer carries a ticket with which the client that verified, and only it, may then log in once
 * ({@code POST /auth/login}). Each address may request and verify a limited
 * number of times per minute besides the guard's per-phone cooldown, quota and attempt limits.
 */
@RestController
@RequestMapping("/auth/otp")
class OtpController {

  private static final Logger log = LoggerFactory.getLogger(OtpController.class);

  private final ObjectProvider<OtpGuard> otp;
  private final ObjectProvider<DevOtpSender> devSender;

  OtpController(ObjectProvider<OtpGuard> otp, ObjectProvider<DevOtpSender> devSender) {
    this.otp = otp;
    this.devSender = devSender;
  }

  /** The body of both routes; {@code code} only for verify. */
  record PhoneCode(@Nullable String phone, @Nullable String code) {
    @Override
    public String toString() {
      return "PhoneCode[" + phone + ", code=****]";
    }
  }

  /** A code was sent: how long it can be verified and when the phone may ask again, in seconds. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Requested(long expiresIn, long cooldown, @Nullable String devCode) {
    @Override
    public String toString() {
      return "Requested[" + expiresIn + ", " + cooldown + ", devCode=" + (devCode == null ? "none" : "****") + "]";
    }
  }

  /**
   * A verified phone: {@code ticket} logs it in once, and only the client that sent the code gets it.
   *
   * @param ticket the one-time proof {@code POST /auth/login} takes
   */
  record Verified(boolean verified, String ticket) {
    @Override
    public String toString() {
      return "Verified[" + verified + ", ticket=****]";
    }
  }

  /** 202 with the code's lifetime and cooldown (and {@code devCode} in the dev profile), 429, or 400. */
  @PostMapping("/request")
  @RateLimited(name = "auth-otp-request", limit = 20, window = "1m", key = RateLimitKey.IP,
      failurePolicy = FailurePolicy.FAIL_CLOSED)
  ResponseEntity<Requested> request(@RequestBody PhoneCode body) {
    String phone = validPhone(body.phone());
    OtpRequestResult result = guard().request(phone);
    if (result instanceof OtpRequestResult.Issued issued) {
      String devCode = devSender.stream().findFirst()
          .flatMap(sender -> sender.take(phone, OtpGuard.DEFAULT_PURPOSE)).orElse(null);
      return ResponseEntity.status(HttpStatus.ACCEPTED)
          .body(new Requested(seconds(issued.expiresIn()), seconds(issued.cooldown()), devCode));
    }
    if (result instanceof OtpRequestResult.CooldownActive cooldown) {
      throw ApiException.of(HttpStatus.TOO_MANY_REQUESTS, "cooldown",
          "A code was sent to this phone moments ago; ask again after the cooldown.")
          .retryAfter(cooldown.retryAfter());
    }
    if (result instanceof OtpRequestResult.QuotaExceeded quota) {
      throw ApiException.of(HttpStatus.TOO_MANY_REQUESTS, "quota",
          "This phone asked for too many codes; ask again when the window ends.")
          .retryAfter(quota.retryAfter());
    }
    OtpRequestResult.SendFailed failed = (OtpRequestResult.SendFailed) result;
    log.warn("Sending a code failed; the request was given back", failed.cause());
    throw ApiException.of(HttpStatus.SERVICE_UNAVAILABLE, "send_failed",
        "The code could not be sent; nothing was charged, try again.").retryAfter(Duration.ofSeconds(5));
  }

  /**
   * 200 with a one-time login ticket once the code matched; 401 with the attempts left, 429 when they are used up,
   * 410 with no code pending.
   */
  @PostMapping("/verify")
  @RateLimited(name = "auth-otp-verify", limit = 30, window = "1m", key = RateLimitKey.IP,
      failurePolicy = FailurePolicy.FAIL_CLOSED)
  Verified verify(@RequestBody PhoneCode body) {
    String phone = validPhone(body.phone());
    if (body.code() == null || body.code().isEmpty()) {
      throw ApiException.of(HttpStatus.BAD_REQUEST, "missing_code", "Send the code as {\"phone\", \"code\"}.");
    }
    OtpVerifyResult result = guard().verify(phone, body.code());
    if (result instanceof OtpVerifyResult.Verified verified) {
      return new Verified(true, verified.ticket().value());
    }
    if (result instanceof OtpVerifyResult.WrongCode wrong) {
      throw ApiException.of(HttpStatus.UNAUTHORIZED, "invalid_code", "The code is wrong.")
          .with("attemptsLeft", wrong.attemptsLeft());
    }
    if (result instanceof OtpVerifyResult.TooManyAttempts) {
      throw ApiException.of(HttpStatus.TOO_MANY_REQUESTS, "too_many_attempts",
          "Too many wrong codes: this code is void, request a new one.");
    }
    throw ApiException.of(HttpStatus.GONE, "expired",
        "No code is pending for this phone: it expired or was used. Request a new one.");
  }

  private OtpGuard guard() {
    OtpGuard guard = otp.getIfAvailable();
    if (guard == null) {
      throw ApiException.of(HttpStatus.SERVICE_UNAVAILABLE, "otp_unavailable",
          "No SMS provider is configured in this profile, so OTP login is off.");
    }
    return guard;
  }

  /** The phone, if it is an E.164 number; else 400 {@code invalid_phone}. */
  static String validPhone(@Nullable String phone) {
    if (phone == null || !OtpGuard.isPhone(phone)) {
      throw ApiException.of(HttpStatus.BAD_REQUEST, "invalid_phone",
          "phone must be an E.164 number: + and 8-15 digits, the first not 0, such as +15551234567.");
    }
    return phone;
  }

  /** Whole seconds, rounded up: a client waiting that long is never early. */
  static long seconds(Duration duration) {
    return duration.getSeconds() + (duration.getNano() > 0 ? 1 : 0);
  }
}
