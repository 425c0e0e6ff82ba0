package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What callers see when the server is absent, stopped, restarted or stalled: real processes, no mocks. */
@WithRedis
class ConnectionFailureTest {

  private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

  private static RedisSettings settings(int port) {
    return RedisSettings.builder().host("127.0.0.1").port(port).commandTimeout(COMMAND_TIMEOUT)
        .connectTimeout(Duration.ofSeconds(1)).build();
  }

  @Test
  void startFailsFastAndNamesHostAndPortWhenNothingListens() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    long started = System.nanoTime();

    assertThatThrownBy(() -> RedisService.start(settings(port)))
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("127.0.0.1:" + port);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1).plusMillis(500));
  }

  @Test
  void startFailsWithinTheConnectTimeoutWhenTheServerNeverAnswers() throws IOException {
    // The kernel completes the TCP handshake for a listening socket even though nobody reads from it.
    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      long started = System.nanoTime();

      assertThatThrownBy(() -> RedisService.start(settings(silent.getLocalPort())))
          .isInstanceOf(RedisUnavailableException.class)
          .hasMessageContaining("127.0.0.1:" + silent.getLocalPort());
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void commandsFailAtOnceWhileTheServerIsDownAndWorkAgainAfterItReturns(EmbeddedRedis server) {
    try (RedisService redis = RedisService.start(settings(server.port()))) {
      redis.set("k", "before");
      server.stop();
      await().atMost(Duration.ofSeconds(2)).until(() -> !redis.isConnected());

      long started = System.nanoTime();
      assertThatThrownBy(() -> redis.get("k"))
          .isInstanceOf(RedisUnavailableException.class)
          .hasMessageContaining("127.0.0.1:" + server.port());
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("rejected without waiting for the command timeout").isLessThan(COMMAND_TIMEOUT);

      server.restart();
      await().atMost(Duration.ofSeconds(3)).ignoreExceptionsInstanceOf(RedisUnavailableException.class)
          .untilAsserted(() -> {
            redis.set("k", "after");
            assertThat(redis.get("k")).isEqualTo("after");
          });
    }
  }

  @Test
  void aStalledServerFailsCommandsWithinTheCommandTimeout(EmbeddedRedis server) {
    try (RedisService redis = RedisService.start(settings(server.port()))) {
      server.pause();
      try {
        long started = System.nanoTime();
        assertThatThrownBy(() -> redis.get("k"))
            .isInstanceOf(RedisUnavailableException.class)
            .hasMessageContaining("timed out");
        Duration waited = Duration.ofNanos(System.nanoTime() - started);
        // Lettuce's timer fires within a tick of the timeout; the margin also absorbs a loaded 2-core machine.
        assertThat(waited).isGreaterThanOrEqualTo(COMMAND_TIMEOUT.multipliedBy(9).dividedBy(10))
            .isLessThan(COMMAND_TIMEOUT.plusMillis(400));
        assertThatThrownBy(() -> redis.getAsync("k").toCompletableFuture().join())
            .hasCauseInstanceOf(RedisUnavailableException.class);
      } finally {
        server.resume();
      }
      await().atMost(Duration.ofSeconds(2)).ignoreExceptions().until(() -> redis.ping() != null);
    }
  }

  @Test
  void writesInFlightWhenTheConnectionDropsAreNotReplayedButReadsAre(EmbeddedRedis server) {
    RedisSettings patient = settings(server.port()).toBuilder().commandTimeout(Duration.ofSeconds(10)).build();
    try (RedisService redis = RedisService.start(patient)) {
      server.pause();
      CompletableFuture<Long> write = redis.connection().async().incr("counter").toCompletableFuture();
      CompletableFuture<String> read = redis.getAsync("counter").toCompletableFuture();
      killAndRestart(server);

      await().atMost(Duration.ofSeconds(5)).until(read::isDone);
      assertThat(read).as("the facade's read is sent again on the new connection").isCompletedWithValue(null);
      assertThat(write).isCompletedExceptionally();
      assertThat(redis.get("counter")).as("the INCR did not run a second time").isNull();
    }
  }

  @Test
  void withNoRetriesNothingIsReplayed(EmbeddedRedis server) {
    RedisSettings noRetries = settings(server.port()).toBuilder()
        .commandTimeout(Duration.ofSeconds(10)).maxRetriesPerRequest(0).build();
    try (RedisService redis = RedisService.start(noRetries)) {
      redis.set("k", "v");
      server.pause();
      CompletableFuture<String> read = redis.getAsync("k").toCompletableFuture();
      killAndRestart(server);

      await().atMost(Duration.ofSeconds(5)).until(read::isDone);
      assertThat(read).isCompletedExceptionally();
    }
  }

  /** Kills the frozen server so the commands it holds are never answered, then starts a fresh one. */
  private static void killAndRestart(EmbeddedRedis server) {
    ProcessHandle process = ProcessHandle.of(server.pid()).orElseThrow();
    process.destroyForcibly();
    await().atMost(Duration.ofSeconds(5)).until(() -> !process.isAlive());
    server.restart();
  }
}
