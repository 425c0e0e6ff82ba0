package com.cloutsy.redis.demo;

import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The running demo in the dev profile, activated explicitly as the README's first command does, on Tomcat with a random
 * port, against the run's shared Redis under a key prefix of its own. Every test class that extends this shares one
 * Spring context.
 *
 * <p>Test settings: a 1 s OTP cooldown so the quota and two-device logins need no minute of waiting, and the
 * per-address limits of the auth routes raised, because every test calls from 127.0.0.1 into one context.
 */
@WithRedis
@SpringBootTest(classes = DemoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
        "cloutsy.redis.otp.cooldown=1s",
        "cloutsy.redis.web.rate-limit.policies.auth-otp-request.limit=100000",
        "cloutsy.redis.web.rate-limit.policies.auth-otp-verify.limit=100000",
        "cloutsy.redis.web.rate-limit.policies.auth-login.limit=100000"})
@ActiveProfiles("dev")
abstract class DemoContext {

  private static final AtomicReference<RedisEndpoint> REDIS = new AtomicReference<>();
  private static final String PREFIX = "demo-" + UUID.randomUUID().toString().substring(0, 8) + ":";

  @LocalServerPort
  int port;

  @BeforeAll
  static void redis(RedisEndpoint endpoint) {
    REDIS.compareAndSet(null, endpoint);
  }

  @DynamicPropertySource
  static void pointAtRedis(DynamicPropertyRegistry properties) {
    properties.add("cloutsy.redis.url", () -> REDIS.get().uri());
    properties.add("cloutsy.redis.key-prefix", () -> PREFIX);
  }

  /** A client of the running service. */
  DemoClient client() {
    return new DemoClient(port);
  }
}
