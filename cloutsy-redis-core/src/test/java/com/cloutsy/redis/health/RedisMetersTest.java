package com.cloutsy.redis.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.keys.KeyLayout;
import com.cloutsy.redis.pubsub.EventBus;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@WithRedis
class RedisMetersTest {

  private final RedisEndpoint endpoint;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  RedisMetersTest(RedisEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  @Test
  void everyFeatureCounterIsPublishedWithItsTagsAlsoThoseCreatedAfterBinding() {
    try (RedisService redis = TestRedis.start(endpoint, KeyLayout.SEED)) {
      redis.runtime().counters().counter("cloutsy.redis.cache.gets", "cache", "users", "result", "hit").add(3);
      RedisMeters.create(redis).bindTo(registry);
      redis.runtime().counters().counter("cloutsy.redis.ratelimit.decisions", "result", "denied", "source", "redis")
          .increment();
      redis.runtime().counters().counter("cloutsy.redis.cache.gets", "cache", "users", "result", "hit").increment();

      assertThat(registry.get("cloutsy.redis.cache.gets").tags("cache", "users", "result", "hit").functionCounter()
          .count()).isEqualTo(4);
      assertThat(registry.get("cloutsy.redis.ratelimit.decisions").tags("result", "denied", "source", "redis")
          .functionCounter().count()).isEqualTo(1);
    }
  }

  @Test
  void pubSubCountersReachTheRegistry() {
    try (RedisService redis = TestRedis.start(endpoint, KeyLayout.SEED); EventBus bus = EventBus.create(redis)) {
      RedisMeters.create(redis).bindTo(registry);
      List<String> received = new CopyOnWriteArrayList<>();
      bus.subscribe("metered", String.class, (channel, text) -> {
        received.add(text);
        throw new IllegalStateException("counted, not fatal");
      });

      bus.publish("metered", "hello");

      await().atMost(Duration.ofSeconds(10)).until(() -> registry.get("cloutsy.redis.pubsub.listener.errors")
          .functionCounter().count() == 1);
      assertThat(registry.get("cloutsy.redis.pubsub.published").functionCounter().count()).isEqualTo(1);
      assertThat(registry.get("cloutsy.redis.pubsub.received").functionCounter().count()).isEqualTo(1);
      assertThat(registry.get("cloutsy.redis.pubsub.dropped").functionCounter().count()).isZero();
      assertThat(registry.get("cloutsy.redis.pubsub.undecodable").functionCounter().count()).isZero();
      assertThat(received).containsExactly("hello");
    }
  }

  @Test
  void theConnectionGaugeFollowsTheConnection() {
    RedisService redis = TestRedis.start(endpoint, KeyLayout.SEED);
    RedisMeters.create(redis).bindTo(registry);

    assertThat(registry.get("cloutsy.redis.connected").gauge().value()).isEqualTo(1);
    redis.close();
    assertThat(registry.get("cloutsy.redis.connected").gauge().value()).isZero();
  }

  @Test
  void lettuceRecordsCommandLatenciesIntoTheRegistry() {
    try (RedisService redis = RedisService.create(TestRedis.settings(endpoint).build(),
        RedisMeters.commandLatency(registry)).start()) {
      redis.set(redis.keyNames().config("latency"), "v");
      redis.get(redis.keyNames().config("latency"));

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        Timer sets = registry.find("lettuce.command.completion").tag("command", "SET").timer();
        assertThat(sets).isNotNull();
        assertThat(sets.count()).isPositive();
        assertThat(sets.totalTime(TimeUnit.NANOSECONDS)).isPositive();
      });
      assertThat(registry.find("lettuce.command.firstresponse").tag("command", "GET").timer()).isNotNull();
    }
  }

  @Test
  void healthGaugesShowTheLastReportWithoutSendingCommands() {
    try (RedisService redis = TestRedis.start(endpoint, KeyLayout.SEED);
        HealthCheck check =
            HealthCheck.create(redis, HealthPolicy.defaults().withLatencyThreshold(Duration.ofSeconds(5)))) {
      RedisMeters.create(redis).withHealth(check).bindTo(registry);
      assertThat(registry.get("cloutsy.redis.memory.used").gauge().value()).as("no report yet").isNaN();

      HealthReport report = check.health();

      assertThat(registry.get("cloutsy.redis.health").tag("status", "UP").gauge().value()).isEqualTo(1);
      assertThat(registry.get("cloutsy.redis.health").tag("status", "DOWN").gauge().value()).isZero();
      assertThat(registry.get("cloutsy.redis.memory.used").gauge().value())
          .isEqualTo(report.server().memory().usedMemory());
      assertThat(registry.get("cloutsy.redis.memory.max").gauge().value())
          .isEqualTo(report.server().memory().maxMemory());
      assertThat(registry.get("cloutsy.redis.clients.connected").gauge().value()).isPositive();
      // The gauge keeps seconds as a double; back in nanoseconds it may be off in the last bit.
      assertThat(registry.get("cloutsy.redis.ping.latency").timeGauge().value(TimeUnit.NANOSECONDS))
          .isCloseTo(report.pingLatency().toNanos(), within(1.0));
      assertThat(registry.get("cloutsy.redis.keys.expired").functionCounter().count())
          .isEqualTo(report.server().expiredKeys());
      assertThat(registry.get("cloutsy.redis.keys.evicted").functionCounter().count())
          .isEqualTo(report.server().evictedKeys());
    }
  }
}
