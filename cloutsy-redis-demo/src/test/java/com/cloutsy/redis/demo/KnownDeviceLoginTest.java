package com.cloutsy.redis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.login.LoginGuard;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Lockout is not a weapon: an attacker guessing the password of an account from ten addresses locks it for unknown
 * devices, while the owner's browser, which logged in before and keeps the known-device cookie, still logs in.
 */
class KnownDeviceLoginTest extends DemoContext {

  private static final String OWNER = "brand@example.com";
  private static final String PASSWORD = "acme-brand-2025";
  private static final List<String> ATTACKERS = IntStream.rangeClosed(2, 11).mapToObj(n -> "127.0.0." + n).toList();

  @Autowired
  LoginGuard guard;

  @AfterEach
  void liftTheLockoutForTheOtherTests() {
    for (String address : ATTACKERS) {
      guard.recordSuccess(OWNER, address);
    }
    guard.recordSuccess(OWNER, "127.0.0.1");
  }

  @Test
  void anAttackerFromTenAddressesCannotStopTheOwnersKnownDeviceRegression16() {
    DemoClient.Response first = client().post("/auth/login/password", credentials(PASSWORD), null);
    assertThat(first.status()).isEqualTo(200);
    String cookie = first.header("Set-Cookie").orElseThrow();
    assertThat(cookie).startsWith("cloutsy_device=").contains("HttpOnly", "SameSite=Strict", "Path=/auth/login");
    String deviceToken = first.field("deviceToken");
    assertThat(cookie).startsWith("cloutsy_device=" + deviceToken + ";");

    int refused = 0;
    for (String address : ATTACKERS) {
      for (int guess = 0; guess < 5; guess++) {
        int status = LoopbackHttp.postJson(address, port, "/auth/login/password", credentials("guess-" + guess));
        assertThat(status).isIn(401, 423);
        refused += status == 423 ? 1 : 0;
      }
    }
    assertThat(refused).as("the identifier locked during the attack").isPositive();

    DemoClient.Response owner = client().send(client().request("/auth/login/password", null)
        .header("Content-Type", "application/json").header("Cookie", "cloutsy_device=" + deviceToken)
        .POST(HttpRequest.BodyPublishers.ofString(credentials(PASSWORD))));
    DemoClient.Response ownerApp = client().post("/auth/login/password",
        "{\"identifier\":\"" + OWNER + "\",\"password\":\"" + PASSWORD + "\",\"deviceToken\":\""
            + owner.field("deviceToken") + "\"}", null);
    DemoClient.Response unknownDevice = client().post("/auth/login/password", credentials(PASSWORD), null);
    int unknownAddress = LoopbackHttp.postJson("127.0.0.77", port, "/auth/login/password", credentials(PASSWORD));

    assertThat(owner.status()).as("the owner's browser with its known-device cookie").isEqualTo(200);
    assertThat(ownerApp.status()).as("the owner's app with the token in the body").isEqualTo(200);
    assertThat(unknownDevice.status()).as("the right password from an unknown device").isEqualTo(423);
    assertThat(unknownAddress).as("from an unknown address").isEqualTo(423);
  }

  @Test
  void aDeviceTokenOfAnotherAccountIsNoKnownDevice() {
    DemoClient.Response alice = client().post("/auth/login/password",
        "{\"identifier\":\"alice@example.com\",\"password\":\"wonderland-2025\"}", null);
    String alicesDevice = alice.field("deviceToken");

    for (int guess = 0; guess < 5; guess++) {
      LoopbackHttp.postJson("127.0.0.2", port, "/auth/login/password",
          "{\"identifier\":\"" + OWNER + "\",\"password\":\"guess\",\"deviceToken\":\"" + alicesDevice + "\"}");
    }
    int sixth = LoopbackHttp.postJson("127.0.0.2", port, "/auth/login/password",
        "{\"identifier\":\"" + OWNER + "\",\"password\":\"" + PASSWORD + "\",\"deviceToken\":\"" + alicesDevice
            + "\"}");

    assertThat(sixth).as("counted as an unknown device from that address").isEqualTo(423);
  }

  private static String credentials(String password) {
    return "{\"identifier\":\"" + OWNER + "\",\"password\":\"" + password + "\"}";
  }
}
