package com.cloutsy.redis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.demo.auth.Tokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The session routes, and how tokens are checked on each request. */
class SessionRoutesTest extends DemoContext {

  @Test
  void eachAuthenticatedRequestTouchesTheSession() {
    DemoClient.Login login = client().loginWithPhone(DemoClient.newPhone(), "ipad", "TouchTest/1.0");
    Instant first = lastSeen(client().get("/auth/sessions", login.token()).json().get(0));

    Instant later = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
        .until(() -> lastSeen(client().get("/auth/sessions", login.token()).json().get(0)),
            seen -> seen.isAfter(first));

    assertThat(later).isAfter(first);
    JsonNode device = client().get("/auth/sessions", login.token()).json().get(0);
    assertThat(device.get("userAgent").asString()).isEqualTo("TouchTest/1.0");
    assertThat(device.get("userType").asString()).isEqualTo("influencer");
    assertThat(device.get("current").asBoolean()).isTrue();
  }

  @Test
  void aMissingTokenIsAskedForWith401() {
    DemoClient.Response answer = client().get("/auth/sessions", null);

    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.field("error")).isEqualTo("missing_token");
    assertThat(answer.header("WWW-Authenticate")).hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
  }

  @Test
  void forgedAlteredAndForeignTokensAreRefused() {
    DemoClient.Login login = client().loginWithPhone(DemoClient.newPhone(), "pixel", "ForgeTest/1.0");
    String[] parts = login.token().split("\\.");
    String otherUser = Base64.getUrlEncoder().withoutPadding().encodeToString("1001".getBytes(StandardCharsets.UTF_8));
    String[] forged = {
        "not-a-token",
        parts[0] + "." + otherUser + "." + parts[2] + "." + parts[3],
        parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[3].substring(1) + "A",
        Tokens.generateForDevelopment().issue(login.userId(), login.jti()),
        login.token() + ".x"};

    for (String token : forged) {
      DemoClient.Response answer = client().get("/auth/sessions", token);
      assertThat(answer.status()).as(token).isEqualTo(401);
      assertThat(answer.field("error")).isEqualTo("invalid_token");
    }
    assertThat(client().get("/auth/sessions", login.token()).status()).isEqualTo(200);
    assertThat(client().send(client().request("/auth/sessions", null).header("Authorization", "Basic abc").GET())
        .status()).isEqualTo(401);
  }

  @Test
  void aRevokedSessionsTokenGets401AtOnceAndAnUnknownJti404() {
    String phone = DemoClient.newPhone();
    DemoClient.Login phoneA = client().loginWithPhone(phone, "a", "A/1");
    DemoClient.Login phoneB = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
        .ignoreExceptions().until(() -> client().loginWithPhone(phone, "b", "B/1"), login -> true);

    assertThat(client().delete("/auth/sessions/" + phoneB.jti(), phoneA.token()).status()).isEqualTo(204);
    assertThat(client().get("/auth/sessions", phoneB.token()).status()).isEqualTo(401);
    DemoClient.Response unknown = client().delete("/auth/sessions/" + phoneB.jti(), phoneA.token());
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.field("error")).isEqualTo("unknown_session");
  }

  @Test
  void aUserCannotRevokeAnotherUsersSession() {
    DemoClient.Login mine = client().loginWithPhone(DemoClient.newPhone(), "mine", "Mine/1");
    DemoClient.Login theirs = client().loginWithPhone(DemoClient.newPhone(), "theirs", "Theirs/1");

    assertThat(client().delete("/auth/sessions/" + theirs.jti(), mine.token()).status()).isEqualTo(404);
    assertThat(client().get("/auth/sessions", theirs.token()).status()).isEqualTo(200);
  }

  @Test
  void logoutEndsThisSessionAndLogoutAllEndsEvery() {
    DemoClient.Response first = passwordLogin("laptop");
    DemoClient.Response second = passwordLogin("tablet");
    DemoClient.Response third = passwordLogin("phone");

    assertThat(client().post("/auth/logout", "", first.field("token")).status()).isEqualTo(204);
    assertThat(client().get("/auth/sessions", first.field("token")).status()).isEqualTo(401);
    assertThat(client().get("/auth/sessions", second.field("token")).status()).isEqualTo(200);

    assertThat(client().post("/auth/logout-all", "", second.field("token")).status()).isEqualTo(204);
    assertThat(client().get("/auth/sessions", second.field("token")).status()).isEqualTo(401);
    assertThat(client().get("/auth/sessions", third.field("token")).status()).isEqualTo(401);
  }

  private DemoClient.Response passwordLogin(String deviceId) {
    DemoClient.Response login = client().post("/auth/login/password",
        "{\"identifier\":\"brand@example.com\",\"password\":\"acme-brand-2025\",\"deviceId\":\"" + deviceId + "\"}",
        null);
    assertThat(login.status()).isEqualTo(200);
    return login;
  }

  private static Instant lastSeen(JsonNode device) {
    return Instant.parse(device.get("lastSeenAt").asString());
  }
}
