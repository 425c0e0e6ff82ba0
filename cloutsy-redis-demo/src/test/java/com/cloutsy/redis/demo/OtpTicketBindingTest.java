package com.cloutsy.redis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A phone login is bound to the client that verified the code: an attacker who knows the victim's phone and polls
 * the login route, before and after the victim verifies, never gets a session.
 */
class OtpTicketBindingTest extends DemoContext {

  @Test
  void anAttackerPollingLoginWithTheVictimsPhoneNeverGetsTheVictimsSessionRegression16() throws Exception {
    DemoClient victim = client();
    DemoClient attacker = client();
    String phone = DemoClient.newPhone();
    String attackerLogin = "{\"phone\":\"" + phone + "\",\"deviceId\":\"attacker\",\"userType\":\"influencer\"}";
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger polls = new AtomicInteger();
    AtomicInteger attackerSessions = new AtomicInteger();
    ExecutorService polling = Executors.newSingleThreadExecutor();
    Future<?> attack = polling.submit(() -> {
      for (int i = 0; i < 20_000 && !stop.get(); i++) {
        if (attacker.post("/auth/login", attackerLogin, null).status() == 201) {
          attackerSessions.incrementAndGet();
        }
        polls.incrementAndGet();
      }
    });
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> polls.get() >= 20);
      String code = victim.requestCode(phone);
      DemoClient.Response verified = victim.post("/auth/otp/verify",
          "{\"phone\":\"" + phone + "\",\"code\":\"" + code + "\"}", null);
      int afterVerify = polls.get();
      await().atMost(Duration.ofSeconds(20)).until(() -> polls.get() >= afterVerify + 20);
      String ticket = verified.field("ticket");
      String victimLogin = "{\"phone\":\"" + phone + "\",\"ticket\":\"" + ticket
          + "\",\"deviceId\":\"victim-phone\",\"userType\":\"influencer\"}";
      DemoClient.Response first = victim.post("/auth/login", victimLogin, null);
      DemoClient.Response again = victim.post("/auth/login", victimLogin, null);
      int afterLogin = polls.get();
      await().atMost(Duration.ofSeconds(20)).until(() -> polls.get() >= afterLogin + 20);
      stop.set(true);
      attack.get(30, TimeUnit.SECONDS);

      assertThat(attackerSessions).as("sessions the attacker got with the phone alone").hasValue(0);
      assertThat(verified.status()).isEqualTo(200);
      assertThat(verified.json().get("verified").asBoolean()).isTrue();
      assertThat(ticket).matches("[A-Za-z0-9_-]{43}");
      assertThat(first.status()).as("the victim logs in with the ticket").isEqualTo(201);
      assertThat(again.status()).as("a ticket is spent once").isEqualTo(403);
      DemoClient.Response sessions = victim.get("/auth/sessions", first.field("token"));
      assertThat(sessions.json().size()).isEqualTo(1);
      assertThat(sessions.json().get(0).get("deviceId").asString()).isEqualTo("victim-phone");
    } finally {
      stop.set(true);
      polling.shutdownNow();
    }
  }
}
