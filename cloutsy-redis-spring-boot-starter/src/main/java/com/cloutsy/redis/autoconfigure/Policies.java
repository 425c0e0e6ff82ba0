package com.cloutsy.redis.autoconfigure;

import com.cloutsy.redis.cache.CachePolicy;
import com.cloutsy.redis.codec.Codec;
import com.cloutsy.redis.config.HmacKey;
import com.cloutsy.redis.health.DiagnosticsPolicy;
import com.cloutsy.redis.health.HealthPolicy;
import com.cloutsy.redis.login.LoginPolicy;
import com.cloutsy.redis.otp.OtpPolicy;
import com.cloutsy.redis.otp.OtpSecret;
import com.cloutsy.redis.pubsub.EventBusPolicy;
import com.cloutsy.redis.session.SessionEncryption;
import com.cloutsy.redis.session.SessionPolicy;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

/**
 * Turns the policy properties into the core library's policy records. The records validate themselves; a value they
 * refuse becomes a {@link RedisPropertyException} naming the property, found from the record component that the
 * record's message starts with.
 */
final class Policies {

  private static final Logger log = LoggerFactory.getLogger(Policies.class);
  private static final String OTP_SECRET = "cloutsy.redis.otp.secret";
  private static final String DEVICE_SECRET = "cloutsy.redis.login.device-secret";
  private static final String ACCEPT_UNBOUND_VARIABLE = "REDIS_OTP_ACCEPT_UNBOUND_VERIFICATION";

  private Policies() {}

  static SessionPolicy session(CloutsyRedisProperties.Session session) {
    String group = "cloutsy.redis.session";
    SessionEncryption encryption = encryption(session.getEncryption());
    return build(group, Map.of("ttl", "ttl", "idleTimeout", "idle-timeout", "absoluteLifetime",
            "absolute-lifetime", "maxSessionsPerUser", "max-per-user"),
        () -> new SessionPolicy(session.getTtl(), session.getIdleTimeout(), session.getAbsoluteLifetime(),
            session.getMaxPerUser(), encryption, session.isExpireIndex()));
  }

  /**
   * The OTP policy of {@code cloutsy.redis.otp.*}; whether unbound verifications are accepted comes from the
   * property, or when it is unset from the seed-style variable {@value #ACCEPT_UNBOUND_VARIABLE} in
   * {@code environment}.
   */
  static OtpPolicy otp(CloutsyRedisProperties.Otp otp, Environment environment) {
    OtpSecret secret = otpSecret(otp);
    boolean acceptUnbound = otp.getAcceptUnboundVerification() != null ? otp.getAcceptUnboundVerification()
        : flag(environment, ACCEPT_UNBOUND_VARIABLE);
    return build("cloutsy.redis.otp", Map.of("codeLength", "code-length", "codeTtl", "code-ttl", "cooldown",
            "cooldown", "requestQuota", "request-quota", "quotaWindow", "quota-window", "maxAttempts",
            "max-attempts", "verifiedTtl", "verified-ttl"),
        () -> new OtpPolicy(secret, otp.getCodeLength(), otp.getCodeTtl(), otp.getCooldown(), otp.getRequestQuota(),
            otp.getQuotaWindow(), otp.getMaxAttempts(), otp.getVerifiedTtl(), acceptUnbound));
  }

  private static boolean flag(Environment environment, String variable) {
    String text = environment.getProperty(variable);
    if (text == null || text.isBlank()) {
      return false;
    }
    if (!text.strip().equalsIgnoreCase("true") && !text.strip().equalsIgnoreCase("false")) {
      throw new RedisPropertyException(variable, variable + " must be true or false, was \"" + text + "\".",
          "Set " + variable + " to true or false, or leave it unset (false).", null);
    }
    return Boolean.parseBoolean(text.strip());
  }

  static LoginPolicy login(CloutsyRedisProperties.Login login) {
    LoginPolicy.Threshold pair = threshold("cloutsy.redis.login.pair", login.getPair());
    LoginPolicy.Threshold identifier = threshold("cloutsy.redis.login.identifier", login.getIdentifier());
    LoginPolicy.Threshold address = threshold("cloutsy.redis.login.address", login.getAddress());
    LoginPolicy.Threshold device = threshold("cloutsy.redis.login.device", login.getDevice());
    return build("cloutsy.redis.login", Map.of("pair", "pair.max-failures", "identifier",
            "identifier.max-failures", "maxLockout", "max-lockout"),
        () -> new LoginPolicy(pair, identifier, address, device, login.getMaxLockout()));
  }

  /**
   * The key of known-device tokens: {@code cloutsy.redis.login.device-secret}, a random one only with
   * {@code generate-dev-device-secret} (announced by a warning), or null when neither is set.
   */
  static @Nullable HmacKey deviceKey(CloutsyRedisProperties.Login login) {
    String secret = login.getDeviceSecret();
    if (secret == null || secret.isBlank()) {
      if (login.isGenerateDevDeviceSecret()) {
        log.warn("DEVELOPMENT ONLY: cloutsy.redis.login.generate-dev-device-secret=true, so known-device tokens are"
            + " signed with a random key generated at start-up; they end with this process. Set"
            + " cloutsy.redis.login.device-secret before this service runs anywhere else.");
        return HmacKey.generate();
      }
      return null;
    }
    return key(DEVICE_SECRET, secret);
  }

  /** The key {@code secret}, the value of {@code property}, is; its refusal names the property, never the value. */
  private static HmacKey key(String property, String secret) {
    try {
      return HmacKey.fromBase64(secret);
    } catch (IllegalArgumentException refused) {
      // The core's message states the rule and never the secret; it is not kept as the cause either.
      throw new RedisPropertyException(property, property + ": " + refused.getMessage() + ".",
          "Set " + property + " to the output of 'openssl rand -base64 32', the same on every instance.", null);
    }
  }

  static CachePolicy cache(CloutsyRedisProperties.Cache cache, Codec codec) {
    CloutsyRedisProperties.Cache.NearCache near = cache.getNearCache();
    return build("cloutsy.redis.cache", Map.of("defaultTtl", "default-ttl", "negativeTtl", "negative-ttl",
            "ttlJitterPercent", "ttl-jitter-percent", "compressionThreshold", "compression-threshold",
            "earlyRefreshBeta", "early-refresh-beta", "nearCacheSize", "near-cache.size", "nearCacheTtl",
            "near-cache.ttl"),
        () -> new CachePolicy(cache.getDefaultTtl(), cache.getNegativeTtl(), cache.getTtlJitterPercent(),
            cache.getCompressionThreshold(), cache.getEarlyRefreshBeta(), near.getSize(), near.getTtl(), codec));
  }

  static EventBusPolicy pubsub(CloutsyRedisProperties.Pubsub pubsub, Codec codec) {
    return build("cloutsy.redis.pubsub", Map.of("queueCapacity", "queue-capacity", "dispatchThreads",
            "dispatch-threads"),
        () -> new EventBusPolicy(codec, pubsub.getQueueCapacity(), pubsub.getDispatchThreads()));
  }

  static HealthPolicy health(CloutsyRedisProperties.Health health) {
    return build("cloutsy.redis.health", Map.of("timeout", "timeout", "memoryThreshold", "memory-threshold",
            "latencyThreshold", "latency-threshold"),
        () -> new HealthPolicy(health.getTimeout(), health.getMemoryThreshold(), health.getLatencyThreshold()));
  }

  static DiagnosticsPolicy diagnostics(CloutsyRedisProperties.Diagnostics diagnostics) {
    return build("cloutsy.redis.diagnostics", Map.of("scanCount", "scan-count", "sampleLimit", "sample-limit",
            "timeLimit", "time-limit"),
        () -> new DiagnosticsPolicy(diagnostics.getScanCount(), diagnostics.getSampleLimit(),
            diagnostics.getTimeLimit()));
  }

  /**
   * The OTP secret: Base64 of at least {@link OtpSecret#MIN_BYTES} random bytes, never a passphrase; a random one
   * only with {@code generate-dev-secret}, announced by a warning.
   */
  static OtpSecret otpSecret(CloutsyRedisProperties.Otp otp) {
    String secret = otp.getSecret();
    if (secret == null || secret.isBlank()) {
      if (otp.isGenerateDevSecret()) {
        log.warn("DEVELOPMENT ONLY: cloutsy.redis.otp.generate-dev-secret=true, so OTP codes are keyed with a random"
            + " secret generated at start-up. Codes issued here cannot be verified by another instance or after a"
            + " restart. Set cloutsy.redis.otp.secret before this service runs anywhere else.");
        return OtpSecret.generateForDevelopment();
      }
      throw new RedisPropertyException(OTP_SECRET, OTP_SECRET + " is not set: OtpGuard stores each code as an HMAC"
          + " under this key, and without one a stored code falls to a brute force of the code space.",
          "Set " + OTP_SECRET + " (or the variable CLOUTSY_REDIS_OTP_SECRET) to the same secret on every instance,"
              + " e.g. the output of 'openssl rand -base64 32'. On a developer's machine,"
              + " cloutsy.redis.otp.generate-dev-secret=true generates one at start-up;"
              + " cloutsy.redis.otp.enabled=false turns OTP off.", null);
    }
    return OtpSecret.of(key(OTP_SECRET, secret));
  }

  private static @Nullable SessionEncryption encryption(CloutsyRedisProperties.Session.Encryption encryption) {
    String group = "cloutsy.redis.session.encryption";
    String current = encryption.getCurrentKeyId();
    Map<String, String> keys = encryption.getKeys();
    if (current == null || current.isBlank()) {
      if (!keys.isEmpty()) {
        throw new RedisPropertyException(group + ".current-key-id", group + ".current-key-id is not set, but "
            + group + ".keys lists " + keys.keySet() + ": which key encrypts new sessions?",
            "Set " + group + ".current-key-id to one of " + keys.keySet() + ".", null);
      }
      return null;
    }
    String currentKey = keys.get(current);
    if (currentKey == null) {
      throw new RedisPropertyException(group + ".current-key-id", group + ".current-key-id is \"" + current
          + "\", but " + group + ".keys has no key of that id (it has " + keys.keySet() + ").",
          "Add " + group + ".keys." + current + " (Base64 of 16, 24 or 32 random bytes) or name another key id.",
          null);
    }
    SessionEncryption result = key(group, current, currentKey, null);
    for (Map.Entry<String, String> key : keys.entrySet()) {
      if (!key.getKey().equals(current)) {
        result = key(group, key.getKey(), key.getValue(), result);
      }
    }
    return result;
  }

  private static SessionEncryption key(String group, String id, String base64, @Nullable SessionEncryption to) {
    String property = group + ".keys." + id;
    try {
      byte[] key = Base64.getDecoder().decode(base64.strip());
      return to == null ? SessionEncryption.of(id, key) : to.withKey(id, key);
    } catch (IllegalArgumentException invalid) {
      // The JDK's Base64 message may quote a character of the key: neither it nor the cause is kept.
      String reason = invalid.getMessage() != null && invalid.getMessage().startsWith("key") ? invalid.getMessage()
          : "must be Base64 of 16, 24 or 32 random bytes, with a key id of 1-64 characters from A-Z a-z 0-9 . _ -";
      throw new RedisPropertyException(property, property + ": " + reason,
          "Set " + property + " to the output of 'openssl rand -base64 32'.", null);
    }
  }

  private static LoginPolicy.Threshold threshold(String group, CloutsyRedisProperties.Login.Threshold threshold) {
    return build(group, Map.of("maxFailures", "max-failures", "window", "window", "lockout", "lockout"),
        () -> new LoginPolicy.Threshold(
            Objects.requireNonNull(threshold.getMaxFailures(), "maxFailures must not be null"),
            Objects.requireNonNull(threshold.getWindow(), "window must not be null"),
            Objects.requireNonNull(threshold.getLockout(), "lockout must not be null")));
  }

  /**
   * Builds a policy; a refusal names the property of the component its message starts with (the longest match,
   * so {@code ttlJitterPercent} is not taken for {@code ttl}), or the group when none matches.
   */
  private static <T> T build(String group, Map<String, String> properties, Supplier<T> policy) {
    try {
      return policy.get();
    } catch (IllegalArgumentException | NullPointerException refused) {
      String message = String.valueOf(refused.getMessage());
      String property = properties.entrySet().stream()
          .filter(component -> message.startsWith(component.getKey() + " ")
              || message.startsWith(component.getKey() + ":"))
          .max(Comparator.comparingInt(component -> component.getKey().length()))
          .map(component -> group + "." + component.getValue())
          .orElse(group);
      throw new RedisPropertyException(property, property + ": " + message,
          "Correct " + property + " in the application's configuration.", refused);
    }
  }
}
