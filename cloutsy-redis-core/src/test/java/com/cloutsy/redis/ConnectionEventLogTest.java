package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The seed's connect, ready, error and close events: logged once each per change, never with a secret. */
@WithRedis
class ConnectionEventLogTest {

  private static final String PASSWORD = "Pa55-not-for-logs";

  private final Logger logger = (Logger) LoggerFactory.getLogger(RedisService.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.DEBUG);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
    logger.setLevel(null);
  }

  private long count(Level level, String start) {
    return events().stream()
        .filter(event -> event.getLevel() == level && event.getFormattedMessage().startsWith(start)).count();
  }

  private List<ILoggingEvent> events() {
    synchronized (appender) {
      return List.copyOf(appender.list);
    }
  }

  @Test
  void eachStateChangeIsLoggedOnceAndAnOutageWarnsOnce() {
    try (EmbeddedRedis server = EmbeddedRedis.builder().config("requirepass", PASSWORD).start()) {
      RedisSettings settings = RedisSettings.builder().host("127.0.0.1").port(server.port()).password(PASSWORD)
          .commandTimeout(Duration.ofMillis(500)).build();
      AtomicInteger reconnectFailures = new AtomicInteger();
      try (RedisService redis = RedisService.start(settings)) {
        redis.client().getResources().eventBus().get()
            .filter(ReconnectFailedEvent.class::isInstance)
            .subscribe(event -> reconnectFailures.incrementAndGet());
        // Lettuce's event threads log these, possibly just after start returned.
        await().atMost(Duration.ofSeconds(3))
            .until(() -> count(Level.INFO, "Redis ready: 127.0.0.1:" + server.port()) == 1
                && count(Level.INFO, "Redis connected: 127.0.0.1:" + server.port()) == 1);

        server.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> reconnectFailures.get() >= 3);
        assertThat(count(Level.WARN, "Redis connection lost")).isEqualTo(1);
        assertThat(count(Level.WARN, "Redis error: reconnect to 127.0.0.1:" + server.port() + " failed"))
            .as("one warning per outage, however many attempts fail").isEqualTo(1);

        server.restart();
        await().atMost(Duration.ofSeconds(3)).until(() -> count(Level.INFO, "Redis ready") == 2);
        assertThat(redis.get("k")).isNull();
      }
      assertThat(count(Level.INFO, "Redis connection closed")).isEqualTo(1);
      assertThat(count(Level.WARN, "Redis connection lost")).as("our own close is not an outage").isEqualTo(1);
    }
    assertThat(events()).isNotEmpty().noneMatch(event -> event.getFormattedMessage().contains(PASSWORD));
  }

  @Test
  void connectionsThatCallersOpenFromTheClientAreNotReportedAsTheServices(EmbeddedRedis server) {
    RedisSettings settings = RedisSettings.builder().host("127.0.0.1").port(server.port()).build();
    try (RedisService redis = RedisService.start(settings)) {
      redis.connectPubSub().close();
      redis.client().connect(redis.redisUri()).close();

      assertThat(redis.ping()).isPositive();
      await().atMost(Duration.ofSeconds(3)).until(() -> count(Level.INFO, "Redis ready") >= 1);
      assertThat(count(Level.INFO, "Redis ready")).isEqualTo(1);
      assertThat(count(Level.WARN, "Redis connection lost")).isZero();
    }
  }

  @Test
  void aWrongPasswordFailsStartUpWithoutRevealingIt() {
    try (EmbeddedRedis server = EmbeddedRedis.builder().config("requirepass", PASSWORD).start()) {
      String wrong = "wrong-" + PASSWORD;
      RedisSettings settings = RedisSettings.builder().host("127.0.0.1").port(server.port()).password(wrong).build();

      assertThatThrownBy(() -> RedisService.start(settings))
          .isInstanceOf(RedisMisconfigurationException.class)
          .hasMessageContaining("127.0.0.1:" + server.port())
          .satisfies(error -> assertThat(stackText(error)).doesNotContain(wrong).doesNotContain(PASSWORD));
      assertThat(settings.toString()).doesNotContain(wrong);
      assertThat(count(Level.INFO, "Redis connection closed")).as("nothing was open to close").isZero();
    }
    assertThat(events()).noneMatch(event -> event.getFormattedMessage().contains(PASSWORD));
  }

  private static String stackText(Throwable error) {
    StringBuilder text = new StringBuilder();
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      text.append(cause).append('\n');
    }
    return text.toString();
  }
}
