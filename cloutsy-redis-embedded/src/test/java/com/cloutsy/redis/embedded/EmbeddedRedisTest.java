package com.cloutsy.redis.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddedRedisTest {

  private static final Duration GONE_WITHIN = Duration.ofSeconds(10);

  @Test
  void answersPingOnLoopbackOnly() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start()) {
      assertThat(redis.host()).isEqualTo("127.0.0.1");
      assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
      assertThat(redis.endpoint()).isEqualTo(new RedisEndpoint("127.0.0.1", redis.port(), redis.uri()));
      assertThat(redis.isRunning()).isTrue();

      assertThat(Loopback.ping(redis.port())).isEqualTo("PONG");
      assertThat(Loopback.call(redis.port(), "CONFIG", "GET", "bind")).isEqualTo(List.of("bind", "127.0.0.1"));
      assertThat(Loopback.call(redis.port(), "CONFIG", "GET", "protected-mode"))
          .isEqualTo(List.of("protected-mode", "yes"));
      assertThat(Loopback.call(redis.port(), "CONFIG", "GET", "save")).isEqualTo(List.of("save", ""));
      // Other loopback addresses reach this host too, yet find nothing listening there.
      assertThat(Loopback.connects("127.0.0.2", redis.port())).isFalse();
      assertThat(Loopback.connects("::1", redis.port())).isFalse();
    }
  }

  @Test
  void closeEndsTheProcessAndFreesThePort() {
    EmbeddedRedis redis = EmbeddedRedis.start();
    long pid = redis.pid();
    int port = redis.port();

    redis.close();

    await().atMost(GONE_WITHIN).until(() -> Loopback.isGone(pid));
    assertThat(Loopback.refuses(port)).isTrue();
    assertThat(redis.isRunning()).isFalse();
    redis.close();
  }

  @Test
  void restartsOnTheSamePortRightAfterStopThreeTimes() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start();
        RespConnection held = RespConnection.open(redis.host(), redis.port(), Loopback.TIMEOUT)) {
      // A connection open across the stop leaves the port in TIME_WAIT for the restart to cope with.
      assertThat(held.call("PING")).isEqualTo("PONG");
      int port = redis.port();
      for (int round = 1; round <= 3; round++) {
        long pid = redis.pid();

        redis.stop();

        assertThat(redis.isRunning()).isFalse();
        assertThat(Loopback.isGone(pid)).isTrue();
        assertThat(Loopback.refuses(port)).isTrue();

        redis.restart();

        assertThat(redis.port()).isEqualTo(port);
        assertThat(redis.pid()).isNotEqualTo(pid);
        assertThat(Loopback.ping(port)).isEqualTo("PONG");
      }
    }
  }

  @Test
  void restartOfARunningServerReplacesTheProcess() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start()) {
      long pid = redis.pid();
      Loopback.call(redis.port(), "SET", "k", "v");

      redis.restart();

      assertThat(Loopback.isGone(pid)).isTrue();
      assertThat(Loopback.call(redis.port(), "GET", "k")).as("no persistence").isNull();
    }
  }

  @Test
  void pausedServerStaysSilentUntilResumed() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start()) {
      redis.pause();

      assertThat(redis.isRunning()).isTrue();
      try (RespConnection connection = RespConnection.open(redis.host(), redis.port(), Duration.ofMillis(300))) {
        assertThatThrownBy(() -> connection.call("PING")).isInstanceOf(SocketTimeoutException.class);
      }

      redis.resume();

      assertThat(Loopback.ping(redis.port())).isEqualTo("PONG");
    }
  }

  @Test
  void stopsAndRestartsAPausedServer() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start()) {
      long pid = redis.pid();
      redis.pause();

      redis.restart();

      assertThat(Loopback.isGone(pid)).isTrue();
      assertThat(Loopback.ping(redis.port())).isEqualTo("PONG");
    }
  }

  @Test
  void closesAPausedServer() {
    EmbeddedRedis redis = EmbeddedRedis.start();
    long pid = redis.pid();
    redis.pause();

    redis.close();

    await().atMost(GONE_WITHIN).until(() -> Loopback.isGone(pid));
  }

  @Test
  void appliesConfiguredDirectives() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.builder()
        .config("maxmemory", "10mb")
        .config("MAXMEMORY-POLICY", "allkeys-lru")
        .config("enable-debug-command", "local")
        .start()) {
      assertThat(Loopback.call(redis.port(), "CONFIG", "GET", "maxmemory"))
          .isEqualTo(List.of("maxmemory", String.valueOf(10 * 1024 * 1024)));
      assertThat(Loopback.call(redis.port(), "CONFIG", "GET", "maxmemory-policy"))
          .isEqualTo(List.of("maxmemory-policy", "allkeys-lru"));
      // Skipped on 6.2, which allows DEBUG anyway; applied from 7.0 on.
      assertThat(Loopback.call(redis.port(), "DEBUG", "SLEEP", "0")).isEqualTo("OK");
    }
  }

  @Test
  void startsWithAPasswordAndNeverPrintsIt() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.builder().config("requirepass", "s3cret-value").start()) {
      assertThat(Loopback.ping(redis.port())).isEqualTo(new RespConnection.ErrorReply(
          "NOAUTH Authentication required."));
      try (RespConnection connection = RespConnection.open(redis.host(), redis.port(), Loopback.TIMEOUT)) {
        assertThat(connection.call("AUTH", "s3cret-value")).isEqualTo("OK");
      }
      assertThat(redis.toString()).contains("requirepass=****").doesNotContain("s3cret-value");
      assertThat(redis.uri()).doesNotContain("s3cret-value");
    }
  }

  @Test
  void startsOnAFixedPortAndGivesUpWhileItIsTaken() throws Exception {
    try (EmbeddedRedis holder = EmbeddedRedis.builder().port(freePort()).start()) {
      assertThat(Loopback.ping(holder.port())).isEqualTo("PONG");

      assertThatThrownBy(() -> EmbeddedRedis.builder().port(holder.port()).start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("could not bind port " + holder.port())
          .hasMessageContaining("Address already in use");
      assertThat(Loopback.ping(holder.port())).as("the running server is untouched").isEqualTo("PONG");
    }
  }

  @Test
  void rejectsDirectivesItManages() {
    EmbeddedRedis.Builder builder = EmbeddedRedis.builder();

    assertThatThrownBy(() -> builder.config("port", "6379")).hasMessageContaining("port is managed");
    assertThatThrownBy(() -> builder.config("Bind", "0.0.0.0")).hasMessageContaining("bind is managed");
    assertThatThrownBy(() -> builder.config("maxmemory", "1mb\nbind 0.0.0.0")).hasMessageContaining("single line");
    assertThatThrownBy(() -> builder.config("max memory", "1mb")).hasMessageContaining("directive");
    assertThatThrownBy(() -> builder.port(65536)).hasMessageContaining("port must be");
  }

  @Test
  void lifecycleCallsAfterCloseFail() {
    EmbeddedRedis redis = EmbeddedRedis.start();
    redis.close();

    assertThatThrownBy(redis::restart).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(redis::pause).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    redis.stop();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
