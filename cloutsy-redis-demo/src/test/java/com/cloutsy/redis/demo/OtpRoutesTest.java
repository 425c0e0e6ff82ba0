package com.cloutsy.redis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The OTP routes' answers for each outcome of the starter's {@code OtpGuard}, and the phone login after them. */
class OtpRoutesTest extends DemoContext {

  @Test
  void aNumberThatIsNotE164IsRefusedWith400() {
    for (String phone : new String[] {"5551234567", "+0551234567", "+1555", "+1555123456789012", "+1 555 123"}) {
      DemoClient.Response answer = client().post("/auth/otp/request", "{\"phone\":\"" + phone + "\"}", null);
      assertThat(answer.status()).as(phone).isEqualTo(400);
      assertThat(answer.field("error")).isEqualTo("invalid_phone");
    }
    assertThat(client().post("/auth/otp/request", "{}", null).field("error")).isEqualTo("invalid_phone");
    DemoClient.Response notJson = client().post("/auth/otp/request", "phone=+15551234567", null);
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.field("error")).isEqualTo("bad_request");
    assertThat(notJson.field("message")).isNotBlank();
  }

  @Test
  void theDevProfileReturnsTheCodeItWouldHaveSentAndTheRouteCarriesItsAddressLimit() {
    DemoClient.Response answer = client().post("/auth/otp/request", "{\"phone\":\"" + DemoClient.newPhone() + "\"}",
        null);

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.field("devCode")).matches("[0-9]{6}");
    assertThat(answer.header("RateLimit-Policy")).hasValue("\"auth-otp-request\";q=100000;w=60");
  }

  @Test
  void aWrongCodeCountsDownTheAttemptsThenTheCodeIsVoid() {
    String phone = DemoClient.newPhone();
    String code = client().requestCode(phone);
    String wrong = code.equals("999999") ? "888888" : "999999";

    for (int left = 4; left >= 1; left--) {
      DemoClient.Response answer = verify(phone, wrong);
      assertThat(answer.status()).isEqualTo(401);
      assertThat(answer.field("error")).isEqualTo("invalid_code");
      assertThat(answer.json().get("attemptsLeft").asInt()).isEqualTo(left);
    }
    DemoClient.Response fifth = verify(phone, wrong);
    assertThat(fifth.status()).isEqualTo(429);
    assertThat(fifth.field("error")).isEqualTo("too_many_attempts");
    DemoClient.Response rightTooLate = verify(phone, code);
    assertThat(rightTooLate.status()).as("the right code after the last attempt").isEqualTo(429);
    assertThat(rightTooLate.field("error")).isEqualTo("too_many_attempts");
  }

  @Test
  void verifyingWithNoCodePendingIsGone() {
    DemoClient.Response answer = verify(DemoClient.newPhone(), "123456");

    assertThat(answer.status()).isEqualTo(410);
    assertThat(answer.field("error")).isEqualTo("expired");
  }

  @Test
  void theSixthRequestInTheWindowIsRefusedByTheQuota() {
    String phone = DemoClient.newPhone();
    for (int i = 1; i <= 5; i++) {
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
          .until(() -> request(phone).status(), status -> status == 202);
    }
    DemoClient.Response sixth = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
        .until(() -> request(phone), answer -> !"cooldown".equals(answer.field("error")));

    assertThat(sixth.status()).isEqualTo(429);
    assertThat(sixth.field("error")).isEqualTo("quota");
    assertThat(Long.parseLong(sixth.header("Retry-After").orElseThrow())).isBetween(800L, 900L);
  }

  @Test
  void aPhoneLogsInOnlyWithAnUnspentVerificationAndItsTicket() {
    String phone = DemoClient.newPhone();
    String withoutTicket = "{\"phone\":\"" + phone + "\",\"deviceId\":\"pixel\",\"userType\":\"brand\"}";
    DemoClient.Response unverified = client().post("/auth/login", withoutTicket, null);
    assertThat(unverified.status()).isEqualTo(403);
    assertThat(unverified.field("error")).isEqualTo("not_verified");

    String ticket = client().verifyCode(phone, client().requestCode(phone));
    DemoClient.Response noTicket = client().post("/auth/login", withoutTicket, null);
    DemoClient.Response wrongTicket = client().post("/auth/login", login(phone, "x" + ticket.substring(1), "brand"),
        null);
    DemoClient.Response first = client().post("/auth/login", login(phone, ticket, "brand"), null);
    DemoClient.Response second = client().post("/auth/login", login(phone, ticket, "brand"), null);

    assertThat(noTicket.status()).as("the phone alone").isEqualTo(403);
    assertThat(wrongTicket.status()).as("another ticket").isEqualTo(403);
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.field("token")).isNotBlank();
    assertThat(first.field("userId")).matches("p[0-9a-f]{16}");
    assertThat(second.status()).as("the verification was spent").isEqualTo(403);
  }

  @Test
  void aMalformedLoginIsRefusedWithoutSpendingTheVerification() {
    String phone = DemoClient.newPhone();
    String ticket = client().verifyCode(phone, client().requestCode(phone));

    DemoClient.Response badType = client().post("/auth/login", login(phone, ticket, "admin"), null);
    DemoClient.Response noDevice = client().post("/auth/login",
        "{\"phone\":\"" + phone + "\",\"ticket\":\"" + ticket + "\",\"userType\":\"brand\"}", null);
    DemoClient.Response noType = client().post("/auth/login",
        "{\"phone\":\"" + phone + "\",\"ticket\":\"" + ticket + "\",\"deviceId\":\"pixel\"}", null);
    DemoClient.Response good = client().post("/auth/login", login(phone, ticket, "brand"), null);

    assertThat(badType.field("error")).isEqualTo("invalid_user_type");
    assertThat(noDevice.field("error")).isEqualTo("invalid_device_id");
    assertThat(noType.field("error")).as("the first login chooses the type").isEqualTo("invalid_user_type");
    assertThat(good.status()).isEqualTo(201);
  }

  @Test
  void aPhoneUsersTypeIsFixedAtItsFirstLoginRegression16() {
    String phone = DemoClient.newPhone();
    String first = client().verifyCode(phone, client().requestCode(phone));
    DemoClient.Response asBrand = client().post("/auth/login", login(phone, first, "brand"), null);
    assertThat(asBrand.status()).isEqualTo(201);

    String second = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> client().verifyCode(phone, client().requestCode(phone)), ticket -> ticket != null);
    DemoClient.Response asInfluencer = client().post("/auth/login", login(phone, second, "influencer"), null);
    DemoClient.Response unnamed = client().post("/auth/login",
        "{\"phone\":\"" + phone + "\",\"ticket\":\"" + second + "\",\"deviceId\":\"tablet\"}", null);

    assertThat(asInfluencer.status()).isEqualTo(409);
    assertThat(asInfluencer.field("error")).isEqualTo("user_type_fixed");
    assertThat(unnamed.status()).as("the refused type spent nothing").isEqualTo(201);
    DemoClient.Response sessions = client().get("/auth/sessions", unnamed.field("token"));
    assertThat(sessions.json().findValuesAsString("userType")).containsOnly("brand");
  }

  private static String login(String phone, String ticket, String userType) {
    return "{\"phone\":\"" + phone + "\",\"ticket\":\"" + ticket + "\",\"deviceId\":\"pixel\",\"userType\":\""
        + userType + "\"}";
  }

  private DemoClient.Response request(String phone) {
    return client().post("/auth/otp/request", "{\"phone\":\"" + phone + "\"}", null);
  }

  private DemoClient.Response verify(String phone, String code) {
    return client().post("/auth/otp/verify", "{\"phone\":\"" + phone + "\",\"code\":\"" + code + "\"}", null);
  }
}
