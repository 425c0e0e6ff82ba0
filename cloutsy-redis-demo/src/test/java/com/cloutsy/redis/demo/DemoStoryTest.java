package com.cloutsy.redis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.cache.RedisCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Issue 10's story end to end over real HTTP: request a code, verify it, log in on two devices, list them, revoke
 * one (its token gets 401), the niche list MISS then HIT, the niche route's rate limit with its headers and the
 * 429, and a notification published through Redis reaching the user's Server-Sent Events stream.
 */
class DemoStoryTest extends DemoContext {

  @Autowired
  private RedisCache cache;

  @Autowired
  private RedisService redis;

  @Test
  void theWholeStoryWorksOverHttp() throws Exception {
    DemoClient client = client();
    String phone = DemoClient.newPhone();

    // Request a code; at once again: cooldown.
    DemoClient.Response requested = client.post("/auth/otp/request", "{\"phone\":\"" + phone + "\"}", null);
    assertThat(requested.status()).isEqualTo(202);
    assertThat(requested.json().get("expiresIn").asLong()).isEqualTo(300);
    assertThat(requested.json().get("cooldown").asLong()).isEqualTo(1);
    String code = requested.field("devCode");
    assertThat(code).matches("[0-9]{6}");
    DemoClient.Response again = client.post("/auth/otp/request", "{\"phone\":\"" + phone + "\"}", null);
    assertThat(again.status()).isEqualTo(429);
    assertThat(again.field("error")).isEqualTo("cooldown");
    assertThat(again.header("Retry-After")).hasValue("1");

    // Verify: a wrong code, then the right one; log in on the first device.
    DemoClient.Response wrong = verify(client, phone, code.equals("000000") ? "111111" : "000000");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.json().get("attemptsLeft").asInt()).isEqualTo(4);
    DemoClient.Response verified = verify(client, phone, code);
    assertThat(verified.json().get("verified").asBoolean()).isTrue();
    DemoClient.Response phoneLogin = login(client, phone, verified.field("ticket"), "iphone-15",
        "CloutsyApp/3.1 (iPhone)");
    assertThat(phoneLogin.status()).isEqualTo(201);
    assertThat(phoneLogin.json().get("expiresAt").asString()).endsWith("Z");
    String phoneToken = phoneLogin.field("token");
    String userId = phoneLogin.field("userId");

    // The second device needs a code of its own, once the cooldown is over.
    DemoClient.Response secondRequest = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
        .until(() -> client.post("/auth/otp/request", "{\"phone\":\"" + phone + "\"}", null),
            answer -> answer.status() == 202);
    String secondCode = secondRequest.field("devCode");
    DemoClient.Response secondVerified = verify(client, phone, secondCode);
    assertThat(secondVerified.status()).isEqualTo(200);
    DemoClient.Response laptopLogin = login(client, phone, secondVerified.field("ticket"), "macbook",
        "Mozilla/5.0 (Macintosh) Safari/17");
    assertThat(laptopLogin.status()).isEqualTo(201);
    assertThat(laptopLogin.field("userId")).isEqualTo(userId);
    String laptopToken = laptopLogin.field("token");
    String laptopJti = laptopLogin.field("jti");

    // The list shows both devices, the caller's marked current.
    DemoClient.Response devices = client.get("/auth/sessions", phoneToken);
    assertThat(devices.status()).isEqualTo(200);
    List<String> shown = new ArrayList<>();
    for (JsonNode device : devices.json()) {
      shown.add(device.get("deviceId").asString() + "|" + device.get("userAgent").asString() + "|"
          + device.get("current").asBoolean());
    }
    assertThat(shown).containsExactlyInAnyOrder("iphone-15|CloutsyApp/3.1 (iPhone)|true",
        "macbook|Mozilla/5.0 (Macintosh) Safari/17|false");

    // Revoke the laptop from the phone: its token is refused at once, the phone's still works.
    assertThat(client.delete("/auth/sessions/" + laptopJti, phoneToken).status()).isEqualTo(204);
    DemoClient.Response refused = client.get("/auth/sessions", laptopToken);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.field("error")).isEqualTo("invalid_token");
    assertThat(client.get("/auth/sessions", phoneToken).json()).hasSize(1);

    // The niche list: a miss runs the 200 ms query, the next request is a hit.
    cache.invalidate(redis.keyNames().cache("niches", "all"));
    long started = System.nanoTime();
    DemoClient.Response miss = client.get("/api/niches", phoneToken);
    Duration missTook = Duration.ofNanos(System.nanoTime() - started);
    DemoClient.Response hit = client.get("/api/niches", phoneToken);
    assertThat(miss.header("X-Cache")).hasValue("MISS");
    assertThat(missTook).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    assertThat(hit.header("X-Cache")).hasValue("HIT");
    assertThat(hit.text()).isEqualTo(miss.text());
    assertThat(hit.json()).hasSize(8);

    // The niche route allows 30 a minute per user, with the headers on every answer, then 429.
    assertThat(hit.header("RateLimit-Policy")).hasValue("\"niches\";q=30;w=60");
    assertThat(hit.header("RateLimit-Limit")).hasValue("30");
    DemoClient.Response limited = null;
    for (int i = 0; i < 40 && limited == null; i++) {
      DemoClient.Response answer = client.get("/api/niches", phoneToken);
      assertThat(answer.header("RateLimit")).hasValueSatisfying(value -> assertThat(value).startsWith("\"niches\";r="));
      if (answer.status() == 429) {
        limited = answer;
      }
    }
    assertThat(limited).as("a 429 within 40 requests").isNotNull();
    assertThat(limited.field("error")).isEqualTo("rate_limited");
    assertThat(limited.header("RateLimit-Remaining")).hasValue("0");
    assertThat(Long.parseLong(limited.header("Retry-After").orElseThrow())).isBetween(1L, 60L);
    assertThat(limited.header("RateLimit-Reset")).isEqualTo(limited.header("Retry-After"));

    // A notification published through Redis reaches the user's stream.
    try (EventStream stream = EventStream.open(client, "/api/notifications/stream", phoneToken)) {
      assertThat(stream.status()).isEqualTo(200);
      stream.awaitLine("event:ready");
      DemoClient.Response published = client.post("/api/notifications",
          "{\"userId\":\"" + userId + "\",\"type\":\"message\",\"data\":{\"text\":\"Hello!\"}}", null);
      assertThat(published.status()).isEqualTo(202);
      assertThat(published.json().get("receivers").asLong()).isGreaterThanOrEqualTo(1);
      stream.awaitLine("\"text\":\"Hello!\"");
      assertThat(stream.lines()).contains("event:notification")
          .anySatisfy(line -> assertThat(line).startsWith("data:").contains("\"userId\":\"" + userId + "\"",
              "\"type\":\"message\""));
    }
  }

  private static DemoClient.Response verify(DemoClient client, String phone, String code) {
    return client.post("/auth/otp/verify", "{\"phone\":\"" + phone + "\",\"code\":\"" + code + "\"}", null);
  }

  private static DemoClient.Response login(DemoClient client, String phone, String ticket, String deviceId,
      String userAgent) {
    return client.post("/auth/login", "{\"phone\":\"" + phone + "\",\"ticket\":\"" + ticket + "\",\"deviceId\":\""
        + deviceId + "\",\"userType\":\"influencer\"}", null, userAgent);
  }
}
