package com.cloutsy.redis.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisMatrix;
import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.keys.KeyLayout;
import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.login.LoginPolicy.Threshold;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The login-protection contract against a real Redis, in both key layouts. */
@RunsAs(LeastPrivilege.LOGIN)
@RedisMatrix(layouts = {KeyLayout.SEED, KeyLayout.CLUSTER}, topologies = {Topology.SINGLE, Topology.CLUSTER})
class LoginGuardTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final RedisEndpoint endpoint;
  private final KeyLayout layout;
  private RedisService redis;

  LoginGuardTest(RedisEndpoint endpoint, KeyLayout layout) {
    this.endpoint = endpoint;
    this.layout = layout;
  }

  @AfterEach
  void close() {
    if (redis != null) {
      redis.close();
    }
  }

  private LoginGuard guard(LoginPolicy policy) {
    redis = TestRedis.start(endpoint, layout);
    return LoginGuard.create(redis, policy);
  }

  private RedisClusterCommands<String, String> raw() {
    return TestRedis.sync(redis);
  }

  private Keys keyNames() {
    return redis.keyNames();
  }

  private static String user() {
    return "user-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  @Test
  void theIdentifierFromOneAddressLocksFirstAndOnlyForThatAddress() {
    LoginGuard guard = guard(LoginPolicy.defaults());
    String alice = user();
    List<Integer> left = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      LoginCheck check = guard.check(alice, "10.0.0.1");
      assertThat(check.isAllowed()).isTrue();
      left.add(check.attemptsLeft());
    }

    LoginCheck sixth = guard.check(alice, "10.0.0.1");

    assertThat(left).containsExactly(4, 3, 2, 1, 0);
    assertThat(sixth.isAllowed()).isFalse();
    assertThat(sixth.lockedBy()).isEqualTo(LockScope.PAIR);
    assertThat(sixth.retryAfter()).isBetween(Duration.ofMinutes(14), Duration.ofMinutes(15));
    assertThat(guard.check(alice, "10.0.0.2").isAllowed()).as("another address").isTrue();
  }

  @Test
  void theIdentifierLocksAtItsHigherThresholdWhateverTheAddress() {
    LoginGuard guard = guard(LoginPolicy.defaults().withIdentifier(new Threshold(8, MINUTE, MINUTE)));
    String alice = user();
    for (int i = 0; i < 8; i++) {
      assertThat(guard.check(alice, i < 5 ? "10.0.0.1" : "10.0.0.2").isAllowed()).isTrue();
    }

    LoginCheck fromElsewhere = guard.check(alice, "10.0.0.3");

    assertThat(fromElsewhere.lockedBy()).isEqualTo(LockScope.IDENTIFIER);
    assertThat(raw().get(keyNames().loginAttempts(alice))).as("the seed's counter").isEqualTo("8");
    assertThat(guard.check(user(), "10.0.0.3").isAllowed()).as("another account").isTrue();
  }

  @Test
  void oneAddressTryingManyIdentifiersLocksTheAddress() {
    LoginGuard guard = guard(LoginPolicy.defaults().withAddress(new Threshold(10, MINUTE, MINUTE)));
    for (int i = 0; i < 10; i++) {
      assertThat(guard.check(user(), "192.0.2.7").isAllowed()).isTrue();
    }

    LoginCheck stuffing = guard.check(user(), "192.0.2.7");

    assertThat(stuffing.lockedBy()).isEqualTo(LockScope.ADDRESS);
    assertThat(stuffing.retryAfter()).isPositive().isLessThanOrEqualTo(MINUTE);
    assertThat(guard.check(user(), "192.0.2.8").isAllowed()).isTrue();
  }

  @Test
  void aLockedAddressAddsNothingToItsVictimsCounters() {
    LoginGuard guard = guard(LoginPolicy.defaults().withAddress(new Threshold(3, MINUTE, MINUTE)));
    String victim = user();
    for (int i = 0; i < 3; i++) {
      guard.check(user(), "198.51.100.1");
    }

    for (int i = 0; i < 30; i++) {
      assertThat(guard.check(victim, "198.51.100.1").lockedBy()).isEqualTo(LockScope.ADDRESS);
    }

    assertThat(raw().exists(keyNames().loginAttempts(victim))).isZero();
    assertThat(guard.check(victim, "203.0.113.9").isAllowed()).isTrue();
  }

  @Test
  void aSuccessResetsTheIdentifierAndTakesTheAttemptBackFromTheAddress() {
    LoginGuard guard = guard(LoginPolicy.defaults());
    String alice = user();
    for (int i = 0; i < 3; i++) {
      guard.check(alice, "10.0.0.1");
      guard.recordFailure(alice, "10.0.0.1");
    }
    guard.check(alice, "10.0.0.1");

    guard.recordSuccess(alice, "10.0.0.1");

    assertThat(raw().exists(keyNames().loginAttempts(alice), keyNames().loginPairAttempts(alice, "10.0.0.1"))).isZero();
    assertThat(raw().get(keyNames().loginAddressAttempts("10.0.0.1"))).isEqualTo("3");
    assertThat(guard.check(alice, "10.0.0.1").attemptsLeft()).isEqualTo(4);
  }

  @Test
  void recordFailureReportsTheStateThatFollows() {
    LoginGuard guard = guard(LoginPolicy.defaults());
    String alice = user();
    for (int i = 0; i < 4; i++) {
      guard.check(alice, "10.0.0.1");
    }
    assertThat(guard.recordFailure(alice, "10.0.0.1")).isEqualTo(LoginCheck.allowed(1));

    guard.check(alice, "10.0.0.1");
    LoginCheck afterFifth = guard.recordFailure(alice, "10.0.0.1");

    assertThat(afterFifth.lockedBy()).isEqualTo(LockScope.PAIR);
    assertThat(afterFifth.retryAfter()).isGreaterThan(Duration.ofMinutes(14));
  }

  @Test
  void fiftyConcurrentAttemptsLetExactlyTheLimitThrough() throws Exception {
    LoginGuard guard = guard(LoginPolicy.defaults());
    String alice = user();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<LoginCheck>> attempts = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        attempts.add(pool.submit(() -> guard.check(alice, "10.0.0.1")));
      }
      long allowed = 0;
      for (Future<LoginCheck> attempt : attempts) {
        allowed += attempt.get(10, TimeUnit.SECONDS).isAllowed() ? 1 : 0;
      }

      assertThat(allowed).isEqualTo(5);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aLockoutEndsWhenItsTimeIsUp() {
    Duration short_ = Duration.ofMillis(300);
    LoginGuard guard = guard(LoginPolicy.defaults().withPair(new Threshold(2, MINUTE, short_)));
    String alice = user();
    guard.check(alice, "10.0.0.1");
    guard.check(alice, "10.0.0.1");
    assertThat(guard.check(alice, "10.0.0.1").lockedBy()).isEqualTo(LockScope.PAIR);

    await().atMost(Duration.ofSeconds(3)).until(() -> guard.check(alice, "10.0.0.1").isAllowed());
  }

  @Test
  void progressiveLockoutsDoubleUpToTheCapAndASuccessResetsThem() {
    Duration base = Duration.ofMillis(400);
    LoginGuard guard = guard(LoginPolicy.defaults().withPair(new Threshold(2, MINUTE, base))
        .withProgressiveLockout(Duration.ofMillis(1000)));
    String alice = user();
    String pair = keyNames().loginPairAttempts(alice, "10.0.0.1");
    List<Long> lockouts = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      guard.check(alice, "10.0.0.1");
      guard.check(alice, "10.0.0.1");
      lockouts.add(raw().pttl(pair));
      await().atMost(Duration.ofSeconds(3)).until(() -> raw().exists(pair) == 0);
    }

    assertThat(lockouts.get(0)).isBetween(300L, 400L);
    assertThat(lockouts.get(1)).isBetween(700L, 800L);
    assertThat(lockouts.get(2)).as("capped").isBetween(900L, 1000L);
    assertThat(raw().pttl(keyNames().loginPairLockouts(alice, "10.0.0.1")))
        .isGreaterThan(LoginPolicy.LEVEL_MEMORY.minusMinutes(1).toMillis());

    guard.check(alice, "10.0.0.1");
    guard.recordSuccess(alice, "10.0.0.1");
    assertThat(raw().exists(keyNames().loginPairLockouts(alice, "10.0.0.1"))).isZero();
  }

  @Test
  void aCountWrittenTheSeedsWayIsHonoured() {
    LoginGuard guard = guard(LoginPolicy.defaults());
    String alice = user();
    String seedKey = keyNames().loginAttempts(alice);
    raw().set(seedKey, "20");
    raw().expire(seedKey, 900);

    assertThat(guard.check(alice, "10.0.0.1").lockedBy()).isEqualTo(LockScope.IDENTIFIER);

    String bob = user();
    raw().set(keyNames().loginAttempts(bob), "25");
    LoginCheck withoutExpiry = guard.check(bob, "10.0.0.1");
    assertThat(withoutExpiry.lockedBy()).isEqualTo(LockScope.IDENTIFIER);
    assertThat(raw().pttl(keyNames().loginAttempts(bob))).as("never locked for ever").isPositive();
  }

  @Test
  void everyKeyItWritesExpiresByItself() {
    LoginGuard guard = guard(LoginPolicy.defaults().withPair(new Threshold(2, MINUTE, MINUTE))
        .withProgressiveLockout(Duration.ofMinutes(10)));
    for (int i = 0; i < 5; i++) {
      String user = user();
      guard.check(user, "10.0.0." + i);
      guard.check(user, "10.0.0." + i);
      guard.recordFailure(user, "10.0.0." + i);
    }

    ScanIterator<String> scan =
        ScanIterator.scan(raw(), ScanArgs.Builder.matches(keyNames().prefix() + "*").limit(500));
    List<String> keys = new ArrayList<>();
    scan.forEachRemaining(keys::add);

    assertThat(keys).isNotEmpty().allSatisfy(key -> assertThat(raw().pttl(key)).as(key).isPositive());
  }
}
