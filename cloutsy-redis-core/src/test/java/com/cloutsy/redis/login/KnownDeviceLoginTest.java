package com.cloutsy.redis.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisMatrix;
import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.config.HmacKey;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.keys.KeyLayout;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Known devices (OWASP's device cookies): an attack on an identifier from many addresses locks unknown devices, never
 * the devices its owner logged in on before; a stolen or forged token gives no more than the device threshold.
 */
@RunsAs(LeastPrivilege.LOGIN)
@RedisMatrix(layouts = {KeyLayout.SEED, KeyLayout.CLUSTER}, topologies = {Topology.SINGLE, Topology.CLUSTER})
class KnownDeviceLoginTest {

  private static final HmacKey KEY = HmacKey.fromBase64("B24HvEHetxQXOv30uL2vmmwNvT4DojPDLZjC03atnsk=");

  private final RedisEndpoint endpoint;
  private final KeyLayout layout;
  private RedisService redis;

  KnownDeviceLoginTest(RedisEndpoint endpoint, KeyLayout layout) {
    this.endpoint = endpoint;
    this.layout = layout;
  }

  @AfterEach
  void close() {
    if (redis != null) {
      redis.close();
    }
  }

  private LoginGuard guard() {
    redis = TestRedis.start(endpoint, layout);
    return LoginGuard.create(redis, LoginPolicy.defaults(), KEY);
  }

  private static String user() {
    return "owner-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  @Test
  void anAttackFromTenAddressesLocksUnknownDevicesButNotTheOwnersKnownOneRegression16() {
    LoginGuard guard = guard();
    String owner = user();
    assertThat(guard.check(owner, "198.51.100.7").isAllowed()).isTrue();
    guard.recordSuccess(owner, "198.51.100.7");
    String device = guard.issueDeviceToken(owner);

    for (int address = 1; address <= 10; address++) {
      for (int guess = 0; guess < 5; guess++) {
        LoginCheck check = guard.check(owner, "203.0.113." + address);
        if (check.isAllowed()) {
          guard.recordFailure(owner, "203.0.113." + address);
        }
      }
    }

    LoginCheck unknown = guard.check(owner, "198.51.100.7");
    LoginCheck known = guard.check(owner, "198.51.100.7", device);
    assertThat(unknown.isAllowed()).as("an unknown device stays locked").isFalse();
    assertThat(unknown.lockedBy()).isEqualTo(LockScope.IDENTIFIER);
    assertThat(known.isAllowed()).as("the owner's known device").isTrue();
    guard.recordSuccess(owner, "198.51.100.7", device);
    assertThat(guard.check(owner, "198.51.100.8").isAllowed())
        .as("the owner's success does not give unknown devices fresh guesses").isFalse();
    assertThat(guard.check(owner, "203.0.113.99", device).isAllowed()).as("the token works from any address")
        .isTrue();
  }

  @Test
  void aKnownDeviceLocksAfterItsOwnThresholdAndOnlyItself() {
    LoginGuard guard = guard();
    String owner = user();
    String stolen = guard.issueDeviceToken(owner);
    String other = guard.issueDeviceToken(owner);

    for (int guess = 0; guess < 5; guess++) {
      assertThat(guard.check(owner, "203.0.113.1", stolen).isAllowed()).isTrue();
      guard.recordFailure(owner, "203.0.113.1", stolen);
    }

    LoginCheck locked = guard.check(owner, "203.0.113.1", stolen);
    assertThat(locked.isAllowed()).isFalse();
    assertThat(locked.lockedBy()).isEqualTo(LockScope.DEVICE);
    assertThat(locked.retryAfter()).isBetween(Duration.ofMinutes(14), Duration.ofMinutes(15));
    assertThat(guard.check(owner, "203.0.113.1", other).isAllowed()).as("another known device").isTrue();
    assertThat(guard.check(owner, "203.0.113.1").isAllowed()).as("the identifier's counters were not touched")
        .isTrue();
  }

  @Test
  void aForgedMalformedOrForeignTokenCountsAsNoToken() {
    LoginGuard guard = guard();
    String owner = user();
    String mine = guard.issueDeviceToken(owner);
    String theirs = guard.issueDeviceToken(user());
    String otherKey = LoginGuard.create(redis, LoginPolicy.defaults(), HmacKey.generate()).issueDeviceToken(owner);
    String[] parts = mine.split("\\.");
    String[] notMine = {theirs, otherKey, parts[0] + "." + parts[1] + "x." + parts[2], mine + ".", "d1..x",
        "x".repeat(5_000), ""};

    for (int i = 0; i < 5; i++) {
      for (String token : notMine) {
        guard.check(owner, "203.0.113.2", token);
      }
    }

    assertThat(guard.check(owner, "203.0.113.2", theirs).lockedBy()).as("counted as an unknown device")
        .isEqualTo(LockScope.PAIR);
    assertThat(guard.check(owner, "203.0.113.2", mine).isAllowed()).isTrue();
    assertThat(mine).matches("d1\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}");
  }

  @Test
  void theAsynchronousFormsDecideAlike() {
    LoginGuard guard = guard();
    String owner = user();
    String device = guard.issueDeviceToken(owner);

    CompletionStage<LoginCheck> check = guard.checkAsync(owner, "203.0.113.3", device);
    assertThat(check.toCompletableFuture().join().attemptsLeft()).isEqualTo(4);
    assertThat(guard.recordFailureAsync(owner, "203.0.113.3", device).toCompletableFuture().join().attemptsLeft())
        .isEqualTo(4);
    guard.recordSuccessAsync(owner, "203.0.113.3", device).toCompletableFuture().join();
    assertThat(guard.checkAsync(owner, "203.0.113.3", device).toCompletableFuture().join().attemptsLeft())
        .isEqualTo(4);
  }

  @Test
  void withoutADeviceKeyNoTokenIsIssuedAndNoneIsHonoured() {
    LoginGuard keyed = guard();
    LoginGuard plain = LoginGuard.create(redis, LoginPolicy.defaults());
    String owner = user();
    String token = keyed.issueDeviceToken(owner);

    assertThat(plain.knowsDevices()).isFalse();
    assertThat(keyed.knowsDevices()).isTrue();
    assertThatIllegalStateException().isThrownBy(() -> plain.issueDeviceToken(owner))
        .withMessageContaining("device-secret");
    for (int i = 0; i < 5; i++) {
      plain.check(owner, "203.0.113.4", token);
    }
    assertThat(plain.check(owner, "203.0.113.4", token).lockedBy()).isEqualTo(LockScope.PAIR);
  }
}
