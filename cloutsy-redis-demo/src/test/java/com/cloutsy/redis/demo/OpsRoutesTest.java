package com.cloutsy.redis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.RedisService;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** The ops page's JSON endpoints and the page itself, called from this machine in the dev profile. */
class OpsRoutesTest extends DemoContext {

  @Autowired
  private RedisService redis;

  @Test
  void healthIsUpWithTheServersNumbersAndAHistory() {
    DemoClient.Response health = client().get("/ops/api/health", null);

    assertThat(health.status()).isEqualTo(200);
    JsonNode body = health.json();
    assertThat(body.get("status").asString()).isEqualTo("UP");
    assertThat(body.get("pingMillis").asDouble()).isPositive();
    assertThat(body.get("server").get("usedMemory").asLong()).isPositive();
    assertThat(body.get("server").get("maxMemoryPolicy").asString()).isNotBlank();
    assertThat(body.get("history")).isNotEmpty();
    assertThat(body.get("history").get(0).get("status").asString()).isEqualTo("UP");
  }

  @Test
  void theKeyspaceBigKeysAndSlowlogDescribeThisServicesKeys() {
    client().loginWithPhone(DemoClient.newPhone(), "ops", "Ops/1");

    JsonNode keyspace = client().get("/ops/api/keyspace", null).json();
    JsonNode bigKeys = client().get("/ops/api/big-keys", null).json();
    DemoClient.Response slowlog = client().get("/ops/api/slowlog", null);

    assertThat(keyspace.get("namespaces").findValuesAsString("namespace")).contains("session", "sessions", "otp");
    assertThat(keyspace.get("end").asString()).isEqualTo("FINISHED");
    assertThat(bigKeys.get("types").findValuesAsString("type")).contains("string", "set");
    assertThat(slowlog.status()).isEqualTo(200);
    assertThat(slowlog.json().isArray()).isTrue();
  }

  @Test
  void aUserIsFoundByPhoneByIdAndByEmailAndARevokeEndsTheToken() {
    String phone = DemoClient.newPhone();
    DemoClient.Login login = client().loginWithPhone(phone, "tablet", "OpsLookup/2.0");

    JsonNode byPhone = client().get("/ops/api/users?q=" + encode(phone), null).json();
    JsonNode byId = client().get("/ops/api/users?q=" + login.userId(), null).json();
    assertThat(byPhone.get("userId").asString()).isEqualTo(login.userId());
    assertThat(byPhone.get("identifier").asString()).isEqualTo(phone);
    assertThat(byId.get("sessions").findValuesAsString("jti")).containsExactly(login.jti());
    assertThat(byId.get("sessions").get(0).get("userAgent").asString()).isEqualTo("OpsLookup/2.0");
    assertThat(client().get("/ops/api/users?q=ALICE@example.com", null).json().get("userId").asString())
        .isEqualTo("1001");

    assertThat(client().delete("/ops/api/users/" + login.userId() + "/sessions/" + login.jti(), null).status())
        .isEqualTo(204);
    assertThat(client().get("/auth/sessions", login.token()).status()).isEqualTo(401);
    assertThat(client().delete("/ops/api/users/" + login.userId() + "/sessions/" + login.jti(), null).status())
        .isEqualTo(404);
  }

  @Test
  void revokeAllEndsEverySessionOfTheUser() {
    DemoClient.Response first = client().post("/auth/login/password",
        "{\"identifier\":\"alice@example.com\",\"password\":\"wonderland-2025\",\"deviceId\":\"ops-a\"}", null);

    DemoClient.Response revoked = client().delete("/ops/api/users/1001/sessions", null);

    assertThat(revoked.json().get("revoked").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(client().get("/auth/sessions", first.field("token")).status()).isEqualTo(401);
  }

  @Test
  void cleaningAUsersIndexDropsWhatTheSeedsCodeLeftBehindInBoundedSteps() {
    DemoClient.Login login = client().loginWithPhone(DemoClient.newPhone(), "clean", "Clean/1");
    String index = redis.keyNames().sessionIndex(login.userId());
    String[] dead = IntStream.range(0, 3_000).mapToObj(i -> "expired-" + i).toArray(String[]::new);
    redis.connection().sync().sadd(index, dead);

    DemoClient.Response cleaned = client().post("/ops/api/users/" + login.userId() + "/sessions/index/clean", "",
        null);

    assertThat(cleaned.status()).isEqualTo(200);
    assertThat(cleaned.json().get("dropped").asLong()).isEqualTo(3_000);
    assertThat(cleaned.json().get("remaining").asLong()).isEqualTo(1);
    assertThat(redis.connection().sync().smembers(index)).containsExactly(login.jti());
    assertThat(client().get("/ops/api/users?q=" + login.userId(), null).json().get("total").asInt()).isEqualTo(1);
  }

  @Test
  void theRateLimitStateOfACallerIsReadWithoutSpendingAndCanBeReset() {
    DemoClient.Login login = client().loginWithPhone(DemoClient.newPhone(), "limits", "Limits/1");
    for (int i = 0; i < 3; i++) {
      client().get("/api/niches", login.token());
    }
    String state = "/ops/api/rate-limits/state?who=" + login.userId() + "&route=niches";

    JsonNode before = client().get(state, null).json();
    JsonNode again = client().get(state, null).json();
    assertThat(client().delete(state, null).status()).isEqualTo(204);
    JsonNode after = client().get(state, null).json();

    assertThat(before.get("key").asString()).endsWith("api:limit:" + login.userId() + ":niches");
    assertThat(before.get("limit").asLong()).isEqualTo(30);
    assertThat(before.get("remaining").asLong()).isBetween(27L, 29L);
    assertThat(again.get("remaining").asLong()).as("peeking spends nothing")
        .isGreaterThanOrEqualTo(before.get("remaining").asLong());
    assertThat(after.get("remaining").asLong()).isEqualTo(30);
    assertThat(after.get("ttlMillis").asLong()).isEqualTo(-1);
  }

  @Test
  void theRoutesAreListedWithTheirLimitsAndAnUnknownOneIs404() {
    JsonNode routes = client().get("/ops/api/rate-limits", null).json();
    DemoClient.Response unknown = client().get("/ops/api/rate-limits/state?who=42&route=nope", null);

    assertThat(routes.findValuesAsString("name")).contains("niches", "notifications", "notifications-stream",
        "auth-otp-request", "auth-otp-verify", "auth-login");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.field("error")).isEqualTo("unknown_route");
  }

  @Test
  void thePageIsServedWithItsScriptsAndAStrictContentSecurityPolicy() {
    DemoClient.Response page = client().get("/ops", null);
    DemoClient.Response script = client().get("/ops/ops.js", null);

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
    assertThat(page.text()).contains("<title>cloutsy-redis ops</title>", "/ops/ops.js", "name=\"viewport\"");
    assertThat(page.header("Content-Security-Policy")).hasValueSatisfying(policy ->
        assertThat(policy).contains("default-src 'self'", "frame-ancestors 'none'"));
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.text()).doesNotContain("innerHTML");
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
