package com.cloutsy.redis.autoconfigure.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.RedisMisconfigurationException;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.autoconfigure.RateLimitKey;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.ratelimit.FailurePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Each route fails as it is told to during a real outage of its Redis: a fail-closed route (a login) answers 503, a
 * route on the default keeps answering from the insurance limiter, and a named policy's property overrides the
 * annotation. A refused credential or right is answered 500, not as an outage.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "cloutsy.redis.web.rate-limit.policies.tuned.failure-policy=fail-closed")
@DirtiesContext
class RouteFailurePolicyTest {

  private static final EmbeddedRedis SERVER = EmbeddedRedis.start();

  private final HttpClient http = HttpClient.newHttpClient();

  @LocalServerPort
  private int port;

  @Autowired
  private RedisService redis;

  @DynamicPropertySource
  static void pointAtRedis(DynamicPropertyRegistry properties) {
    properties.add("cloutsy.redis.url", SERVER::uri);
    properties.add("cloutsy.redis.command-timeout", () -> "500ms");
  }

  @AfterAll
  static void stop() {
    SERVER.close();
  }

  @Test
  void duringAnOutageAFailClosedRouteAnswers503AndAFailOpenOneKeepsLimitingRegression16() throws Exception {
    assertThat(get("/login").statusCode()).isEqualTo(200);
    assertThat(get("/feed").statusCode()).isEqualTo(200);
    assertThat(get("/tuned").statusCode()).isEqualTo(200);

    SERVER.stop();
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> !redis.isConnected());
      HttpResponse<String> login = get("/login");
      HttpResponse<String> feed = get("/feed");
      HttpResponse<String> tuned = get("/tuned");

      assertThat(login.statusCode()).as("fail-closed by the annotation").isEqualTo(503);
      assertThat(login.headers().firstValue("Retry-After")).isPresent();
      assertThat(login.body()).startsWith("{\"error\":\"redis_unavailable\"");
      assertThat(feed.statusCode()).as("the default, fail-open").isEqualTo(200);
      assertThat(feed.headers().firstValue("RateLimit-Policy")).hasValue("\"feed\";q=3;w=60");
      assertThat(get("/feed").statusCode()).isEqualTo(200);
      assertThat(get("/feed").statusCode()).isEqualTo(200);
      assertThat(get("/feed").statusCode()).as("the insurance limiter's own quota of 3 is spent").isEqualTo(429);
      assertThat(tuned.statusCode()).as("the property wins over the annotation's fail-open").isEqualTo(503);
    } finally {
      SERVER.restart();
    }
    await().atMost(Duration.ofSeconds(5)).until(redis::isConnected);
  }

  @Test
  void aMisconfigurationIsAnswered500WithoutRetryAfterOrInternalsRegression16() throws Exception {
    HttpResponse<String> response = get("/misconfigured");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.headers().firstValue("Retry-After")).isEmpty();
    assertThat(response.body()).startsWith("{\"error\":\"redis_misconfigured\",").doesNotContain("app-user", "NOPERM");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The service under test. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Service {
    @Bean
    Routes routes() {
      return new Routes();
    }
  }

  @RestController
  static class Routes {
    @GetMapping("/login")
    @RateLimited(name = "login", limit = 3, window = "1m", key = RateLimitKey.IP,
        failurePolicy = FailurePolicy.FAIL_CLOSED)
    String login() {
      return "ok";
    }

    @GetMapping("/feed")
    @RateLimited(name = "feed", limit = 3, window = "1m", key = RateLimitKey.IP)
    String feed() {
      return "ok";
    }

    @GetMapping("/tuned")
    @RateLimited(name = "tuned", limit = 3, window = "1m", key = RateLimitKey.IP,
        failurePolicy = FailurePolicy.FAIL_OPEN)
    String tuned() {
      return "ok";
    }

    @GetMapping("/misconfigured")
    String misconfigured() {
      throw new RedisMisconfigurationException("Redis at 10.9.8.7:6379 refused ACL user \"app-user\": NOPERM",
          new IllegalStateException("NOPERM"));
    }
  }
}
