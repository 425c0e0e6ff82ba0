package com.cloutsy.redis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The ops endpoints' limit per client address, on a Redis of this class's own that one test stops: beyond the limit
 * 429 with {@code Retry-After}, wrong keys counted too, and while Redis cannot be asked 503 rather than an unlimited
 * pass (it fails closed).
 */
@WithRedis
@SpringBootTest(classes = DemoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"demo.ops.requests-per-minute=5", "demo.ops.key=" + OpsRateLimitTest.KEY})
@ActiveProfiles("dev")
@DirtiesContext
class OpsRateLimitTest {

  static final String KEY = "RWMQX7p7RshePI/Ba1We6UblvpoMaYYgk3HxbAkvbq8=";
  private static final AtomicReference<EmbeddedRedis> REDIS = new AtomicReference<>();

  @LocalServerPort
  private int port;

  @Autowired
  private RedisService redis;

  @BeforeAll
  static void redis(EmbeddedRedis server) {
    REDIS.set(server);
  }

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry properties) {
    properties.add("cloutsy.redis.url", () -> REDIS.get().uri());
  }

  @Test
  void beyondTheLimitTheOpsEndpointsAnswer429WithRetryAfter() {
    DemoClient client = new DemoClient(port);
    resetLimit();

    for (int i = 0; i < 5; i++) {
      DemoClient.Response allowed = withKey(client, "/ops/api/health", KEY);
      assertThat(allowed.status()).as("request %d", i + 1).isEqualTo(200);
      assertThat(allowed.header("RateLimit-Policy")).hasValue("\"ops\";q=5;w=60");
    }
    DemoClient.Response limited = withKey(client, "/ops/api/keyspace", KEY);

    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.field("error")).isEqualTo("rate_limited");
    assertThat(Long.parseLong(limited.header("Retry-After").orElseThrow())).isBetween(1L, 60L);
    assertThat(limited.header("RateLimit-Remaining")).hasValue("0");
  }

  @Test
  void requestsWithAWrongKeyAreCountedToo() {
    DemoClient client = new DemoClient(port);
    resetLimit();

    for (int i = 0; i < 5; i++) {
      assertThat(withKey(client, "/ops/api/health", "guess-" + i).status()).isEqualTo(401);
    }

    assertThat(withKey(client, "/ops/api/health", KEY).status()).isEqualTo(429);
  }

  @Test
  void whileRedisCannotBeAskedTheOpsEndpointsFailClosed() {
    DemoClient client = new DemoClient(port);
    resetLimit();
    EmbeddedRedis server = REDIS.get();
    server.stop();
    try {
      DemoClient.Response refused = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
          .until(() -> withKey(client, "/ops/api/health", KEY), answer -> answer.status() != 200);

      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.field("error")).isEqualTo("redis_unavailable");
    } finally {
      server.restart();
    }
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
        .until(() -> client.get("/actuator/health", null).status() == 200);
  }

  private static DemoClient.Response withKey(DemoClient client, String path, String key) {
    return client.send(client.request(path, null).header("X-Ops-Key", key).GET());
  }

  /** Each test starts with the full allowance: the three share this address's count. */
  private void resetLimit() {
    redis.del(redis.keyNames().apiLimit("ip:127.0.0.1", "ops"));
  }
}
