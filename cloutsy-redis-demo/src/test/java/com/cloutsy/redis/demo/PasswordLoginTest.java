package com.cloutsy.redis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Password login against the demo accounts, behind the starter's {@code LoginGuard}. */
class PasswordLoginTest extends DemoContext {

  @Test
  void aDemoAccountLogsInAndItsTokenWorks() {
    DemoClient.Response login = login("Alice@Example.com", "wonderland-2025");

    assertThat(login.status()).isEqualTo(200);
    assertThat(login.field("userId")).isEqualTo("1001");
    DemoClient.Response sessions = client().get("/auth/sessions", login.field("token"));
    assertThat(sessions.status()).isEqualTo(200);
    assertThat(sessions.json().findValuesAsString("jti")).contains(login.field("jti"));
  }

  @Test
  void aWrongPasswordAndAnUnknownIdentifierGetTheSameAnswer() {
    DemoClient.Response wrongPassword = login("brand@example.com", "guess");
    DemoClient.Response unknown = login("nobody-" + UUID.randomUUID() + "@example.com", "guess");

    assertThat(wrongPassword.status()).isEqualTo(401);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.text()).isEqualTo(wrongPassword.text())
        .isEqualTo("{\"error\":\"invalid_credentials\",\"message\":\"The identifier or password is wrong.\"}");
  }

  @Test
  void afterFiveFailuresTheLoginIsLockedWithRetryAfter() {
    String identifier = "mallory-" + UUID.randomUUID() + "@example.com";
    for (int failure = 1; failure <= 5; failure++) {
      assertThat(login(identifier, "guess-" + failure).status()).as("failure %d", failure).isEqualTo(401);
    }
    DemoClient.Response locked = login(identifier, "guess-6");

    assertThat(locked.status()).isEqualTo(423);
    assertThat(locked.field("error")).isEqualTo("locked");
    assertThat(Long.parseLong(locked.header("Retry-After").orElseThrow())).isBetween(1L, 900L);
    assertThat(login("alice@example.com", "wonderland-2025").status()).as("other identifiers are not locked")
        .isEqualTo(200);
  }

  @Test
  void aBodyWithoutIdentifierOrPasswordIsRefusedWith400() {
    assertThat(client().post("/auth/login/password", "{\"identifier\":\"alice@example.com\"}", null).field("error"))
        .isEqualTo("invalid_request");
    assertThat(client().post("/auth/login/password", "{\"password\":\"x\"}", null).status()).isEqualTo(400);
  }

  @Test
  void aStaleTokenSentAlongDoesNotStopALogin() {
    DemoClient.Response first = login("alice@example.com", "wonderland-2025");
    assertThat(client().post("/auth/logout", "", first.field("token")).status()).isEqualTo(204);

    DemoClient.Response again = client().send(client().request("/auth/login/password", first.field("token"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"identifier\":\"alice@example.com\",\"password\":\"wonderland-2025\"}")));

    assertThat(again.status()).isEqualTo(200);
  }

  private DemoClient.Response login(String identifier, String password) {
    return client().post("/auth/login/password",
        "{\"identifier\":\"" + identifier + "\",\"password\":\"" + password + "\"}", null);
  }
}
