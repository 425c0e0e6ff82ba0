package com.cloutsy.redis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Request sizes on every route: a body over {@code demo.max-request-bytes} (64 KiB) is 413 before it is read, with a
 * {@code Content-Length} or chunked; JSON deeper than 32 levels or with a string over 16 KiB is 400; a header section
 * over 8 KiB is refused by the container. Bodies within the limits still work.
 */
class RequestLimitsTest extends DemoContext {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final long LIMIT = 64 * 1024;
  private static final String PASSWORD_PREFIX = "{\"identifier\":\"alice@example.com\",\"password\":\"";
  private static final String[][] ROUTES = {
      {"POST", "/auth/login/password"}, {"POST", "/auth/login"}, {"POST", "/auth/otp/request"},
      {"POST", "/auth/otp/verify"}, {"POST", "/api/notifications"}, {"GET", "/api/niches"},
      {"DELETE", "/ops/api/users/1001/sessions"}, {"GET", "/actuator/health"}, {"POST", "/nothing-here"}};

  @Test
  void aContentLengthOverTheLimitIs413OnEveryRouteBeforeAByteOfTheBodyIsRead() {
    for (String[] route : ROUTES) {
      // Declares 50 MB and sends none of it: only an answer that reads nothing can arrive.
      RawHttp.Answer answer = RawHttp.send(port, route[0], route[1],
          RawHttp.Body.declaredOnly(50_000_000), TIMEOUT);

      assertThat(answer.status()).as("%s %s: %s", route[0], route[1], answer.text()).isEqualTo(413);
      assertThat(answer.text()).contains("{\"error\":\"content_too_large\",\"message\":\"The request body is larger"
          + " than the 65536 bytes this service takes.\"}");
    }
  }

  @Test
  void aChunkedBodyIsCutOffAtTheLimitAnd413() {
    // Short values only, so that no JSON limit stops the read before the body limit does.
    RawHttp.Answer login = RawHttp.send(port, "POST", "/auth/login/password",
        RawHttp.Body.chunked("{\"identifier\":\"alice@example.com\",\"extra\":[", "1,", 2_500_000, "1]}"), TIMEOUT);
    RawHttp.Answer notification = RawHttp.send(port, "POST", "/api/notifications",
        RawHttp.Body.chunked("{\"userId\":\"42\",\"type\":\"message\",\"data\":[", "\"ab\",", 1_000_000, "1]}"),
        TIMEOUT);

    assertThat(login.status()).as(login.text()).isEqualTo(413);
    assertThat(login.text()).contains("\"error\":\"content_too_large\"");
    assertThat(notification.status()).as(notification.text()).isEqualTo(413);
  }

  @Test
  void aLongStringSentChunkedIsStoppedAtTheStringLimit() {
    RawHttp.Answer password = RawHttp.send(port, "POST", "/auth/login/password",
        RawHttp.Body.chunked(PASSWORD_PREFIX, "a", 5_000_000, "\"}"), TIMEOUT);

    assertThat(password.status()).as(password.text()).isEqualTo(400);
    assertThat(password.text()).contains("\"error\":\"json_too_complex\"");
  }

  @Test
  void jsonDeeperThan32LevelsIs400() {
    for (String path : new String[] {"/api/notifications", "/auth/login/password", "/auth/otp/request"}) {
      RawHttp.Answer deep = RawHttp.send(port, "POST", path,
          RawHttp.Body.of("{\"userId\":\"42\",\"type\":\"m\",\"data\":" + "[".repeat(400) + "]".repeat(400) + "}"),
          TIMEOUT);

      assertThat(deep.status()).as("%s: %s", path, deep.text()).isEqualTo(400);
      assertThat(deep.text()).contains("\"error\":\"json_too_complex\"", "at most 32 levels");
    }
  }

  @Test
  void aStringOver16KiBIs400EvenWithinTheBodyLimit() {
    RawHttp.Answer longPassword = RawHttp.send(port, "POST", "/auth/login/password",
        RawHttp.Body.sized(PASSWORD_PREFIX, "a", 16 * 1024 + 1, "\"}"), TIMEOUT);

    assertThat(longPassword.status()).as(longPassword.text()).isEqualTo(400);
    assertThat(longPassword.text()).contains("\"error\":\"json_too_complex\"", "strings of at most 16384 characters");
  }

  @Test
  void bodiesWithinTheLimitsAreTaken() {
    String data = "[" + ("\"" + "a".repeat(16 * 1024) + "\",").repeat(3) + "[".repeat(28) + "]".repeat(28) + "]";
    String event = "{\"userId\":\"42\",\"type\":\"message\",\"data\":" + data + "}";
    assertThat((long) event.length()).isBetween(LIMIT - 16 * 1024, LIMIT);

    RawHttp.Answer sized = RawHttp.send(port, "POST", "/api/notifications", RawHttp.Body.of(event), TIMEOUT);
    RawHttp.Answer chunked = RawHttp.send(port, "POST", "/api/notifications", RawHttp.Body.chunked(event, "", 0, ""),
        TIMEOUT);

    assertThat(sized.status()).as(sized.text()).isEqualTo(202);
    assertThat(chunked.status()).as(chunked.text()).isEqualTo(202);
  }

  @Test
  void headersOver8KiBAreRefused() {
    DemoClient client = client();

    DemoClient.Response big = client.send(client.request("/api/niches", null).header("X-Filler", "a".repeat(9_000))
        .GET());

    assertThat(big.status()).isEqualTo(400);
    assertThat(client.get("/actuator/health", null).status()).isEqualTo(200);
  }
}
