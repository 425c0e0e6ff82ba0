package com.cloutsy.redis.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * Issue 18, point 6: a subscriber the server disconnects for exceeding {@code client-output-buffer-limit pubsub}.
 * The listener is slow, and a burst of large events is published: the server drops the subscriber connection, the
 * bus counts the gap ({@code cloutsy.redis.pubsub.gaps}) and is subscribed again within 5 s, so a new event arrives.
 * While the burst is still being sent, a resubscribed connection can be dropped again by its later events: each
 * such loss is a gap of its own.
 * The same burst under the default limit is the negative control: no gap, nothing counted.
 *
 * <p>The bus reads from Redis at the speed of the socket whatever its listeners do (they run on dispatch threads),
 * so a slow listener alone only fills its own queue, counted as dropped; what overflows the server's buffer for
 * the subscriber is a burst of events larger than the limit allows before the client can read them.
 */
@WithRedis
class EventBusOutputLimitTest {

  private static final Duration RESUBSCRIBED_WITHIN = Duration.ofSeconds(5);
  private static final int BURST = 50;
  /** Larger than the 16 KiB reply buffer Redis keeps per client, so every event goes to the limited reply list. */
  private static final String LARGE = "x".repeat(64 * 1024);

  record Note(long n, String text) {}

  private static RedisService start(EmbeddedRedis server) {
    return RedisService.start(RedisSettings.builder().host(server.host()).port(server.port())
        .keyPrefix(TestRedis.freshPrefix()).commandTimeout(Duration.ofSeconds(2)).build());
  }

  @Test
  void aSubscriberDroppedForItsOutputBufferIsResubscribedWithin5sAndTheGapIsCounted(EmbeddedRedis server,
      TestReporter reporter) {
    try (RedisService redis = start(server); EventBus bus = EventBus.create(redis)) {
      Set<Long> received = ConcurrentHashMap.newKeySet();
      bus.subscribe("feed", Note.class, (channel, note) -> {
        received.add(note.n());
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      });
      TestRedis.sync(redis).configSet("client-output-buffer-limit", "pubsub 32kb 16kb 60");

      publishBurst(bus);
      // Every event of the burst has been taken by the server, so the last disconnect it caused is behind us.
      long burstSent = System.nanoTime();
      await().atMost(RESUBSCRIBED_WITHIN).until(() -> gaps(redis) > 0);
      // Resubscribed: an event published now arrives. Publishing may fail while the service itself reconnects.
      await().atMost(RESUBSCRIBED_WITHIN).pollInterval(Duration.ofMillis(50))
          .ignoreExceptionsInstanceOf(RedisUnavailableException.class).until(() -> {
            bus.publish("feed", new Note(-1, "after"));
            return received.contains(-1L);
          });
      long resubscribedMillis = (System.nanoTime() - burstSent) / 1_000_000;

      assertThat(gaps(redis)).as("cloutsy.redis.pubsub.gaps").isPositive();
      assertThat(bus.isConnected()).isTrue();
      String summary = String.format("Subscriber over client-output-buffer-limit pubsub 32kb 16kb 60: a burst of %d"
              + " events of 64 KiB to a listener taking 20 ms each; the server dropped the subscriber, the bus counted"
              + " %d gap(s), %d of the burst arrived, and a new event arrived %d ms after the burst was sent", BURST,
          gaps(redis), received.stream().filter(n -> n >= 0).count(), resubscribedMillis);
      System.out.println(summary);
      reporter.publishEntry("pubsub-output-limit", summary);
    }
  }

  @Test
  void theSameBurstUnderTheDefaultLimitCountsNoGap(EmbeddedRedis server) {
    try (RedisService redis = start(server); EventBus bus = EventBus.create(redis)) {
      Set<Long> received = ConcurrentHashMap.newKeySet();
      bus.subscribe("feed", Note.class, (channel, note) -> {
        received.add(note.n());
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      });
      publishBurst(bus);
      bus.publish("feed", new Note(-1, "after"));
      await().atMost(Duration.ofSeconds(10)).until(() -> received.contains(-1L));
      assertThat(received).as("every event of the burst arrived").hasSize(BURST + 1);
      assertThat(gaps(redis)).as("cloutsy.redis.pubsub.gaps").isZero();
      assertThat(bus.isConnected()).isTrue();
    }
  }

  /** Publishes the burst without waiting between events, so they reach the server in as few reads as possible. */
  private static void publishBurst(EventBus bus) {
    List<CompletableFuture<Long>> sent = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      sent.add(bus.publishAsync("feed", new Note(i, LARGE)).toCompletableFuture());
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
  }

  private static long gaps(RedisService redis) {
    return redis.runtime().counters().counter("cloutsy.redis.pubsub.gaps").count();
  }
}
