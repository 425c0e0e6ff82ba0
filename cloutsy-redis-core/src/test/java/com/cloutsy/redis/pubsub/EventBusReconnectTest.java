package com.cloutsy.redis.pubsub;

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
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Subscriptions across a real server stop and restart on the same port. */
@WithRedis
class EventBusReconnectTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  record Ping(long n) {}

  private static RedisService start(EmbeddedRedis server) {
    return RedisService.start(RedisSettings.builder().host(server.host()).port(server.port())
        .commandTimeout(Duration.ofSeconds(1)).connectTimeout(Duration.ofSeconds(1)).build());
  }

  /** Publishes until Redis reports a receiver, ignoring failures while the service itself reconnects. */
  private static void publishUntilReceived(EventBus bus, String channel, Ping event) {
    await().atMost(WAIT).ignoreExceptionsInstanceOf(RedisUnavailableException.class)
        .until(() -> bus.publish(channel, event) > 0);
  }

  @Test
  void channelAndPatternSubscriptionsResumeAfterTheServerRestarts(EmbeddedRedis server) {
    try (RedisService redis = start(server); EventBus bus = EventBus.create(redis)) {
      List<Long> byName = new CopyOnWriteArrayList<>();
      List<String> byPattern = new CopyOnWriteArrayList<>();
      bus.subscribe("alerts", Ping.class, (channel, ping) -> byName.add(ping.n()));
      bus.psubscribe("alerts:*", Ping.class, (channel, ping) -> byPattern.add(channel + "=" + ping.n()));
      bus.publish("alerts", new Ping(1));
      bus.publish("alerts:disk", new Ping(1));
      await().atMost(WAIT).until(() -> byName.size() == 1 && byPattern.size() == 1);

      server.stop();
      await().atMost(WAIT).until(() -> !bus.isConnected());
      server.restart();

      publishUntilReceived(bus, "alerts", new Ping(2));
      publishUntilReceived(bus, "alerts:cpu", new Ping(2));
      await().atMost(WAIT).until(() -> byName.contains(2L) && byPattern.contains("alerts:cpu=2"));
      assertThat(bus.isConnected()).isTrue();
      assertThat(byName).startsWith(1L).allMatch(n -> n == 1L || n == 2L);
    }
  }

  @Test
  void subscribingWhileTheServerIsDownFailsAtOnceAndLaterSubscriptionsWork(EmbeddedRedis server) {
    try (RedisService redis = start(server); EventBus bus = EventBus.create(redis)) {
      bus.subscribe("first", Ping.class, (channel, ping) -> { });
      server.stop();
      await().atMost(WAIT).until(() -> !bus.isConnected());

      assertThatThrownBy(() -> bus.subscribe("second", Ping.class, (channel, ping) -> { }))
          .isInstanceOf(RedisUnavailableException.class);

      server.restart();
      await().atMost(WAIT).until(bus::isConnected);
      List<Long> received = new CopyOnWriteArrayList<>();
      await().atMost(WAIT).ignoreExceptionsInstanceOf(RedisUnavailableException.class).until(() -> {
        bus.subscribe("second", Ping.class, (channel, ping) -> received.add(ping.n()));
        return true;
      });
      bus.publish("second", new Ping(3));
      await().atMost(WAIT).until(() -> received.contains(3L));
    }
  }

  @Test
  void aChannelClosedDuringAnOutageIsNotListenedToAfterTheReconnect(EmbeddedRedis server) {
    try (RedisService redis = start(server); EventBus bus = EventBus.create(redis)) {
      List<Long> kept = new CopyOnWriteArrayList<>();
      Subscription dropped = bus.subscribe("dropped", Ping.class, (channel, ping) -> { });
      bus.subscribe("kept", Ping.class, (channel, ping) -> kept.add(ping.n()));
      server.stop();
      await().atMost(WAIT).until(() -> !bus.isConnected());

      dropped.close();
      server.restart();

      publishUntilReceived(bus, "kept", new Ping(4));
      await().atMost(WAIT).until(() -> kept.contains(4L));
      await().atMost(WAIT).until(() -> bus.publish("dropped", new Ping(5)) == 0);
    }
  }

  @Test
  void theFirstSubscriptionFailsClearlyWhenTheServerIsUnreachable(EmbeddedRedis server) {
    try (RedisService redis = start(server); EventBus bus = EventBus.create(redis)) {
      server.stop();

      assertThatThrownBy(() -> bus.subscribe("any", Ping.class, (channel, ping) -> { }))
          .isInstanceOf(RedisUnavailableException.class)
          .hasMessageContaining("subscriber connection")
          .hasMessageContaining("127.0.0.1:" + server.port());
    }
  }
}
