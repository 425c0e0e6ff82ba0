package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.cache.CachePolicy;
import com.cloutsy.redis.cache.RedisCache;
import com.cloutsy.redis.config.HmacKey;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.health.HealthCheck;
import com.cloutsy.redis.health.HealthReport;
import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.login.LoginCheck;
import com.cloutsy.redis.login.LoginGuard;
import com.cloutsy.redis.login.LoginPolicy;
import com.cloutsy.redis.otp.OtpGuard;
import com.cloutsy.redis.otp.OtpPolicy;
import com.cloutsy.redis.otp.OtpRequestResult;
import com.cloutsy.redis.otp.OtpSecret;
import com.cloutsy.redis.otp.OtpVerifyResult;
import com.cloutsy.redis.pubsub.EventBus;
import com.cloutsy.redis.pubsub.Subscription;
import com.cloutsy.redis.ratelimit.Decision;
import com.cloutsy.redis.ratelimit.FailurePolicy;
import com.cloutsy.redis.ratelimit.RateLimit;
import com.cloutsy.redis.ratelimit.RateLimitHeaders;
import com.cloutsy.redis.ratelimit.RateLimiter;
import com.cloutsy.redis.session.Device;
import com.cloutsy.redis.session.Session;
import com.cloutsy.redis.session.SessionCreated;
import com.cloutsy.redis.session.SessionPolicy;
import com.cloutsy.redis.session.SessionStore;
import com.cloutsy.redis.session.UserType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's examples, compiled and run against a real Redis: if one of them stops working, this fails. */
@RedisMatrix(topologies = {Topology.SINGLE, Topology.CLUSTER})
class ReadmeExamplesTest {

  record Niche(String id, String name) {}

  record Notification(long userId, String type, String message) {}

  private final RedisService redis;

  ReadmeExamplesTest(RedisEndpoint endpoint) {
    redis = RedisService.start(TestRedis.settings(endpoint).build());
  }

  @AfterEach
  void close() {
    redis.close();
  }

  @Test
  void facade() {
    Keys keys = redis.keyNames();
    redis.set(keys.config("features"), "{\"otp\":true}", Duration.ofHours(1));
    String features = redis.get(keys.config("features"));
    redis.hset(keys.userPrefs("42"), "theme", "dark");
    String theme = redis.hgetAsync(keys.userPrefs("42"), "theme").toCompletableFuture().join();

    assertThat(features).isEqualTo("{\"otp\":true}");
    assertThat(theme).isEqualTo("dark");
  }

  @Test
  void sessions() {
    SessionStore sessions = SessionStore.create(redis, SessionPolicy.defaults()
        .withMaxSessionsPerUser(5)
        .withIdleTimeout(Duration.ofDays(7))
        .withAbsoluteLifetime(Duration.ofDays(30)));
    SessionCreated login = sessions.create("42", Device.of("iphone-1", "Mozilla/5.0", UserType.INFLUENCER));
    String jti = login.session().jti();
    Optional<Session> current = sessions.touch("42", jti);
    List<Session> devices = sessions.list("42");
    sessions.revokeAllExcept("42", jti);

    assertThat(current).isPresent();
    assertThat(devices).extracting(Session::deviceId).containsExactly("iphone-1");
  }

  @Test
  void otpAndLogin() {
    List<String> outbox = new CopyOnWriteArrayList<>();
    OtpSecret secret = OtpSecret.fromBase64("uYs5RPMW3PevPkV8sjFdY3JUpisFK6dosixtMJcgSHU=");
    OtpGuard otp = OtpGuard.create(redis, OtpPolicy.defaults(secret), message -> {
      outbox.add(message.code());
      return CompletableFuture.completedFuture(null);
    });
    OtpRequestResult requested = otp.request("+15551234567");
    OtpVerifyResult verified = otp.verify("+15551234567", outbox.get(0));
    if (verified instanceof OtpVerifyResult.Verified ok) {
      String ticket = ok.ticket().value();  // to the client that sent the code, and to no one else
      boolean mayLogIn = otp.consumeVerification("+15551234567", ticket);  // true once, for the ticket's holder
      assertThat(mayLogIn).isTrue();
    }

    String deviceSecret = "B24HvEHetxQXOv30uL2vmmwNvT4DojPDLZjC03atnsk=";
    String deviceToken = null;
    LoginGuard guard = LoginGuard.create(redis, LoginPolicy.defaults(), HmacKey.fromBase64(deviceSecret));
    LoginCheck check = guard.check("alice@example.com", "203.0.113.7", deviceToken);
    if (check.isAllowed()) {
      guard.recordFailure("alice@example.com", "203.0.113.7", deviceToken);
    }
    String nextDeviceToken = guard.issueDeviceToken("alice@example.com");

    assertThat(requested).isInstanceOf(OtpRequestResult.Issued.class);
    assertThat(verified.isVerified()).isTrue();
    assertThat(check.attemptsLeft()).isEqualTo(4);
    assertThat(guard.check("alice@example.com", "203.0.113.7", nextDeviceToken).attemptsLeft())
        .as("a known device counts on its own").isEqualTo(4);
  }

  @Test
  void rateLimiting() {
    RateLimiter limiter = RateLimiter.create(redis, FailurePolicy.FAIL_OPEN);
    RateLimit perMinute = RateLimit.of(100, Duration.ofMinutes(1));
    Decision decision = limiter.tryAcquire(redis.keyNames().apiLimit("42", "feed"), perMinute);
    Map<String, String> headers = RateLimitHeaders.of("feed", perMinute, decision);

    assertThat(decision.allowed()).isTrue();
    assertThat(headers).containsEntry("RateLimit-Remaining", "99");
  }

  @Test
  void caching() {
    assumeFalse(redis.isCluster(), "the example's near cache is refused on Redis Cluster (NearCacheTest shows how)");
    try (RedisCache niches = RedisCache.create(redis, "niches", CachePolicy.of(Duration.ofMinutes(10))
        .withNearCache(10_000, Duration.ofMinutes(1)))) {
      Niche niche = niches.getOrLoad(redis.keyNames().cache("niches", "7"), Duration.ofMinutes(5), Niche.class,
          () -> new Niche("7", "tech"));
      niches.invalidatePrefix(redis.keyNames().cachePrefix("niches"));

      assertThat(niche).isEqualTo(new Niche("7", "tech"));
    }
  }

  @Test
  void pubSubAndHealth() {
    List<Notification> received = new CopyOnWriteArrayList<>();
    try (EventBus bus = EventBus.create(redis)) {
      Subscription subscription = bus.subscribe("user:notifications", Notification.class,
          (channel, notification) -> received.add(notification));
      long receivers = bus.publish("user:notifications", new Notification(123, "message", "Hello!"));

      if (!redis.isCluster()) {
        // On a cluster PUBLISH counts only the subscribers of the node that received it.
        assertThat(receivers).isEqualTo(1);
      }
      await().atMost(Duration.ofSeconds(2)).until(() -> received.size() == 1);
      subscription.close();
    }
    try (HealthCheck check = HealthCheck.create(redis)) {
      HealthReport report = check.health();
      assertThat(report.isUp()).isTrue();
    }
  }
}
