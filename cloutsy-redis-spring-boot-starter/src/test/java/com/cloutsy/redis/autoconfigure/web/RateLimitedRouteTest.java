package com.cloutsy.redis.autoconfigure.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.autoconfigure.RateLimitKey;
import com.cloutsy.redis.autoconfigure.TestContexts;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.session.SessionStore;
import io.lettuce.core.resource.ClientResources;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.Principal;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
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
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A Spring Boot service with every auto-configuration (MVC, Actuator, Spring Data Redis beside cloutsy-redis) on
 * Tomcat, against the run's Redis: {@code @RateLimited} routes answer 429 with the rate-limit headers. The context
 * is closed with the class, before the run's shared Redis stops.
 */
@WithRedis
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "management.endpoint.health.show-details=always",
    "cloutsy.redis.web.rate-limit.policies.tunable.limit=1"})
@DirtiesContext
class RateLimitedRouteTest {

  private static final AtomicReference<RedisEndpoint> REDIS = new AtomicReference<>();

  private final HttpClient http = HttpClient.newHttpClient();

  @LocalServerPort
  private int port;

  @Autowired
  private RedisService redis;

  @Autowired
  private ClientResources springDataRedisResources;

  @BeforeAll
  static void redis(RedisEndpoint endpoint) {
    REDIS.set(endpoint);
  }

  @DynamicPropertySource
  static void pointAtRedis(DynamicPropertyRegistry properties) {
    String prefix = TestContexts.freshPrefix();
    properties.add("cloutsy.redis.url", () -> REDIS.get().uri());
    properties.add("cloutsy.redis.key-prefix", () -> prefix);
    properties.add("spring.data.redis.url", () -> REDIS.get().uri());
  }

  @Test
  void aRateLimitedRouteAnswers429WithTheHeadersOnceTheLimitIsSpent() throws Exception {
    HttpResponse<String> first = get("/limited", null, null);
    HttpResponse<String> second = get("/limited", null, null);
    HttpResponse<String> third = get("/limited", null, null);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("RateLimit-Policy")).hasValue("\"limited\";q=2;w=60");
    assertThat(first.headers().firstValue("RateLimit-Limit")).hasValue("2");
    assertThat(first.headers().firstValue("RateLimit-Remaining")).hasValue("1");
    assertThat(first.headers().firstValue("RateLimit")).hasValueSatisfying(value -> assertThat(value)
        .startsWith("\"limited\";r=1;t="));
    assertThat(first.headers().firstValue("Retry-After")).isEmpty();
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue("RateLimit-Remaining")).hasValue("0");

    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
        .startsWith("application/json"));
    assertThat(third.headers().firstValue("RateLimit-Remaining")).hasValue("0");
    assertThat(Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
    assertThat(third.headers().firstValue("RateLimit-Reset")).isEqualTo(third.headers().firstValue("Retry-After"));
    assertThat(third.body()).startsWith("{\"error\":\"rate_limited\",\"message\":\"Too many requests for limited:")
        .contains("the limit is 2 per 1m");
  }

  @Test
  void usersAreCountedApartAndAnonymousCallersByTheirAddressNotByXForwardedFor() throws Exception {
    assertThat(get("/per-user", "alice", null).statusCode()).isEqualTo(200);
    assertThat(get("/per-user", "alice", null).statusCode()).isEqualTo(429);
    assertThat(get("/per-user", "bob", null).statusCode()).isEqualTo(200);

    assertThat(get("/per-user", null, "203.0.113.1").statusCode()).isEqualTo(200);
    assertThat(get("/per-user", null, "203.0.113.2").statusCode())
        .as("a client cannot pick a fresh key by sending another X-Forwarded-For").isEqualTo(429);
    assertThat(redis.exists(redis.keyNames().apiLimit("alice", "GET /per-user"),
        redis.keyNames().apiLimit("ip:127.0.0.1", "GET /per-user"))).isEqualTo(2);
  }

  @Test
  void aClassAnnotationLimitsEachRouteOfTheClassOnItsOwn() throws Exception {
    assertThat(get("/class/a/1", null, null).statusCode()).isEqualTo(200);
    assertThat(get("/class/a/2", null, null).statusCode()).as("one route pattern, one count").isEqualTo(429);
    assertThat(get("/class/b", null, null).statusCode()).isEqualTo(200);
    assertThat(get("/class/b", null, null).headers().firstValue("RateLimit-Policy"))
        .hasValue("\"GET /class/b\";q=1;w=60");
  }

  @Test
  void aNamedPolicyInThePropertiesReplacesTheAnnotationsLimit() throws Exception {
    assertThat(get("/tunable", null, null).statusCode()).isEqualTo(200);
    assertThat(get("/tunable", null, null).statusCode()).isEqualTo(429);
  }

  @Test
  void redisTroubleIsAnswered503WithRetryAfterAndNoInternals() throws Exception {
    HttpResponse<String> response = get("/unavailable", null, null);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(response.body()).startsWith("{\"error\":\"redis_unavailable\",").doesNotContain("10.9.8.7");
  }

  @Test
  void theReadmeControllerLogsInAndListsTheDevicesOfThePrincipal() throws Exception {
    HttpResponse<String> login = http.send(HttpRequest.newBuilder(uri("/login?userId=42"))
        .POST(HttpRequest.BodyPublishers.noBody()).header("User-Agent", "readme-test").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.headers().firstValue("RateLimit-Limit")).hasValue("5");
    assertThat(redis.get(redis.keyNames().session("42", login.body()))).contains("\"userAgent\":\"readme-test\"");

    HttpResponse<String> devices = get("/me/devices", "42", null);
    assertThat(devices.statusCode()).isEqualTo(200);
    assertThat(devices.body()).contains(login.body(), "readme-test");
    assertThat(devices.headers().firstValue("RateLimit-Remaining")).hasValue("99");
  }

  @Test
  void theHealthEndpointShowsTheStartersRedisIndicatorAndTheStarterSharesSpringDataRedisResources() throws Exception {
    HttpResponse<String> health = get("/actuator/health", null, null);

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"redis\":{", "\"report\":\"UP\"", "\"endpoint\":\"" + REDIS.get().host())
        .doesNotContain("cloutsyRedis");
    assertThat(redis.client().getResources()).isSameAs(springDataRedisResources);
  }

  private HttpResponse<String> get(String path, String user, String forwardedFor)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
    if (user != null) {
      request.header("X-User", user);
    }
    if (forwardedFor != null) {
      request.header("X-Forwarded-For", forwardedFor);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** The service under test; its beans are declared here, not scanned, so no other test's controller joins. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Service {

    /** Stands in for Spring Security: the X-User header becomes the request's principal. */
    @Bean
    OncePerRequestFilter principalFromHeader() {
      return new OncePerRequestFilter() {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
          String user = request.getHeader("X-User");
          chain.doFilter(user == null ? request : new HttpServletRequestWrapper(request) {
            @Override
            public Principal getUserPrincipal() {
              return () -> user;
            }
          }, response);
        }
      };
    }

    @Bean
    SessionController sessionController(SessionStore sessions) {
      return new SessionController(sessions);
    }

    @Bean
    Routes routes() {
      return new Routes();
    }

    @Bean
    ClassRoutes classRoutes() {
      return new ClassRoutes();
    }
  }

  @RestController
  static class Routes {
    @GetMapping("/limited")
    @RateLimited(limit = 2, window = "1m", key = RateLimitKey.IP, name = "limited")
    String limited() {
      return "ok";
    }

    @GetMapping("/per-user")
    @RateLimited(limit = 1, window = "1m")
    String perUser() {
      return "ok";
    }

    @GetMapping("/tunable")
    @RateLimited(limit = 100, window = "1m", name = "tunable")
    String tunable() {
      return "ok";
    }

    @GetMapping("/unavailable")
    String unavailable() {
      throw new RedisUnavailableException("Redis at 10.9.8.7:6379 is unavailable",
          new IllegalStateException("connection refused"));
    }

  }

  @RestController
  @RateLimited(limit = 1, window = "1m", key = RateLimitKey.IP)
  static class ClassRoutes {
    @GetMapping("/class/a/{id}")
    String a(@PathVariable String id) {
      return id;
    }

    @GetMapping("/class/b")
    String b() {
      return "b";
    }
  }
}
