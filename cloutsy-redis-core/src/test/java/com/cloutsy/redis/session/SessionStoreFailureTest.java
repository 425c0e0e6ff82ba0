package com.cloutsy.redis.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Sessions fail closed: with Redis stopped or stalled no call reports a session, valid or not. */
@WithRedis
class SessionStoreFailureTest {

  private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
  private static final Device PHONE = Device.of("d", "ua", UserType.INFLUENCER);

  private static RedisService start(EmbeddedRedis server) {
    return RedisService.start(RedisSettings.builder().host("127.0.0.1").port(server.port())
        .commandTimeout(COMMAND_TIMEOUT).connectTimeout(Duration.ofSeconds(1)).build());
  }

  @Test
  void everyCallFailsWithRedisUnavailableWhileTheServerIsDown(EmbeddedRedis server) {
    try (RedisService redis = start(server)) {
      SessionStore store = SessionStore.create(redis);
      store.create("42", "jti-1", PHONE);
      server.stop();
      await().atMost(Duration.ofSeconds(2)).until(() -> !redis.isConnected());

      List<ThrowingCallable> calls = List.of(() -> store.get("42", "jti-1"), () -> store.touch("42", "jti-1"),
          () -> store.list("42"), () -> store.count("42"), () -> store.create("42", "jti-2", PHONE),
          () -> store.revoke("42", "jti-1"), () -> store.revokeAll("42"), () -> store.revokeAllExcept("42", "x"));
      for (ThrowingCallable call : calls) {
        assertThatThrownBy(call).isInstanceOf(RedisUnavailableException.class)
            .hasMessageContaining("127.0.0.1:" + server.port());
      }
      assertThatThrownBy(() -> store.getAsync("42", "jti-1").toCompletableFuture().join())
          .isInstanceOf(CompletionException.class).hasCauseInstanceOf(RedisUnavailableException.class);

      server.restart();
      await().atMost(Duration.ofSeconds(3)).ignoreExceptionsInstanceOf(RedisUnavailableException.class)
          .untilAsserted(() -> assertThat(store.get("42", "jti-1")).as("the restarted server kept no data").isEmpty());
    }
  }

  @Test
  void aStalledServerFailsGetWithinTheCommandTimeout(EmbeddedRedis server) {
    try (RedisService redis = start(server)) {
      SessionStore store = SessionStore.create(redis);
      store.create("42", "jti-1", PHONE);
      server.pause();
      try {
        long started = System.nanoTime();
        assertThatThrownBy(() -> store.get("42", "jti-1")).isInstanceOf(RedisUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(COMMAND_TIMEOUT.multipliedBy(3));
      } finally {
        server.resume();
      }
      await().atMost(Duration.ofSeconds(3)).ignoreExceptions()
          .untilAsserted(() -> assertThat(store.get("42", "jti-1")).isPresent());
    }
  }
}
