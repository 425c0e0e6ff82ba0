package com.cloutsy.redis.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous forms of login protection: the same counts as the blocking ones (which wait on them), also with
 * every attempt in flight at once from one thread, and failed stages (never a thrown exception) when Redis is down.
 */
@RunsAs(LeastPrivilege.LOGIN)
@WithRedis
class LoginGuardAsyncTest {

  private final RedisEndpoint endpoint;

  LoginGuardAsyncTest(RedisEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  private static String user() {
    return "user-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  private static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  @Test
  void attemptsInFlightTogetherAreEachCountedOnce() {
    try (RedisService redis = TestRedis.start(endpoint)) {
      LoginGuard guard = LoginGuard.create(redis, LoginPolicy.defaults());
      String alice = user();

      List<CompletableFuture<LoginCheck>> checks = IntStream.range(0, 20)
          .mapToObj(i -> guard.checkAsync(alice, "10.0.0.1", null).toCompletableFuture()).toList();
      List<LoginCheck> checked = checks.stream().map(CompletableFuture::join).toList();

      assertThat(checked).filteredOn(LoginCheck::isAllowed).extracting(LoginCheck::attemptsLeft)
          .as("the pair's five attempts, each given once").containsExactlyInAnyOrder(4, 3, 2, 1, 0);
      assertThat(checked).filteredOn(check -> !check.isAllowed()).hasSize(15)
          .allSatisfy(check -> assertThat(check.lockedBy()).isEqualTo(LockScope.PAIR));
    }
  }

  @Test
  void aFailureReportsAndASuccessResetsAsynchronously() {
    try (RedisService redis = TestRedis.start(endpoint)) {
      LoginGuard guard = LoginGuard.create(redis, LoginPolicy.defaults());
      String bob = user();

      assertThat(join(guard.checkAsync(bob, "10.0.0.2", null)).attemptsLeft()).isEqualTo(4);
      assertThat(join(guard.recordFailureAsync(bob, "10.0.0.2", null)).attemptsLeft()).isEqualTo(4);
      assertThat(join(guard.checkAsync(bob, "10.0.0.2", null)).attemptsLeft()).isEqualTo(3);

      join(guard.recordSuccessAsync(bob, "10.0.0.2", null));

      assertThat(join(guard.checkAsync(bob, "10.0.0.2", null)).attemptsLeft()).as("counters reset").isEqualTo(4);
    }
  }

  @Test
  void badInputThrowsAtOnceAndAnOutageFailsTheStage(EmbeddedRedis server) {
    RedisSettings settings = RedisSettings.builder().url(server.uri()).commandTimeout(Duration.ofMillis(500)).build();
    try (RedisService redis = RedisService.start(settings)) {
      LoginGuard guard = LoginGuard.create(redis, LoginPolicy.defaults());
      assertThatNullPointerException().isThrownBy(() -> guard.checkAsync(null, "10.0.0.3", null))
          .withMessage("identifier must not be null");
      server.stop();
      try {
        for (CompletableFuture<?> call : List.of(guard.checkAsync("carol", "10.0.0.3", null).toCompletableFuture(),
            guard.recordFailureAsync("carol", "10.0.0.3", null).toCompletableFuture(),
            guard.recordSuccessAsync("carol", "10.0.0.3", null).toCompletableFuture())) {
          assertThat(call).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
              .havingCause().isInstanceOf(RedisUnavailableException.class);
        }
      } finally {
        server.restart();
      }
    }
  }
}
