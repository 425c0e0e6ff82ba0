package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.config.Durability;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.RedisEndpoint;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@RedisMatrix(topologies = {Topology.SINGLE, Topology.CLUSTER})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisServiceTest {

  private final RedisService redis;
  private final RedisEndpoint endpoint;
  private final String prefix = "test:" + UUID.randomUUID() + ":";

  RedisServiceTest(RedisEndpoint endpoint) {
    this.endpoint = endpoint;
    this.redis = TestRedis.start(endpoint);
  }

  @AfterAll
  void close() {
    redis.close();
  }

  private String key(String name) {
    return prefix + name;
  }

  @Test
  void setThenGetReturnsTheValueAndAMissingKeyIsNull() {
    redis.set(key("a"), "value");

    assertThat(redis.get(key("a"))).isEqualTo("value");
    assertThat(redis.get(key("missing"))).isNull();
  }

  @Test
  void anEmptyStringIsAValueNotAMiss() {
    redis.set(key("empty"), "");

    assertThat(redis.get(key("empty"))).isEmpty();
    assertThat(redis.exists(key("empty"))).isEqualTo(1);
  }

  @Test
  void setWithTtlExpiresWithinTheTtl() {
    redis.set(key("ttl"), "v", Duration.ofSeconds(60));

    long ttl = TestRedis.sync(redis).ttl(key("ttl"));
    assertThat(ttl).isBetween(1L, 60L);
  }

  @Test
  void setWithoutTtlRemovesAnEarlierTtl() {
    redis.set(key("persist"), "v", Duration.ofSeconds(60));
    redis.set(key("persist"), "w");

    assertThat(TestRedis.sync(redis).ttl(key("persist"))).isEqualTo(-1);
    assertThat(redis.get(key("persist"))).isEqualTo("w");
  }

  @Test
  void aShortTtlReallyExpires() {
    redis.set(key("short"), "v", Duration.ofMillis(50));

    await().atMost(Duration.ofSeconds(2)).until(() -> redis.get(key("short")) == null);
  }

  @Test
  void delAndExistsCountKeys() {
    redis.set(key("d1"), "1");
    redis.set(key("d2"), "2");

    assertThat(redis.exists(key("d1"), key("d2"), key("d3"))).isEqualTo(2);
    assertThat(redis.del(key("d1"), key("d2"), key("d3"))).isEqualTo(2);
    assertThat(redis.exists(key("d1"))).isZero();
    assertThat(redis.del(key("d1"))).isZero();
  }

  @Test
  void hashOperations() {
    String prefs = key("user:42:prefs");

    assertThat(redis.hset(prefs, "theme", "dark")).isTrue();
    assertThat(redis.hset(prefs, "theme", "light")).isFalse();
    assertThat(redis.hset(prefs, "language", "en")).isTrue();
    assertThat(redis.hget(prefs, "theme")).isEqualTo("light");
    assertThat(redis.hget(prefs, "missing")).isNull();
    assertThat(redis.hdel(prefs, "language", "missing")).isEqualTo(1);
    assertThat(TestRedis.sync(redis).hgetall(prefs)).containsOnlyKeys("theme");
  }

  @Test
  void pingMeasuresARoundTrip() {
    Duration latency = redis.ping();

    assertThat(latency).isPositive().isLessThan(redis.settings().commandTimeout());
  }

  @Test
  void asynchronousFormsAgreeWithTheBlockingOnes() {
    redis.setAsync(key("async"), "1").toCompletableFuture().join();
    redis.setAsync(key("async-ttl"), "2", Duration.ofSeconds(30)).toCompletableFuture().join();

    assertThat(redis.getAsync(key("async")).toCompletableFuture().join()).isEqualTo("1");
    assertThat(redis.existsAsync(key("async"), key("async-ttl")).toCompletableFuture().join()).isEqualTo(2);
    assertThat(redis.hsetAsync(key("h"), "f", "v").toCompletableFuture().join()).isTrue();
    assertThat(redis.hgetAsync(key("h"), "f").toCompletableFuture().join()).isEqualTo("v");
    assertThat(redis.hdelAsync(key("h"), "f").toCompletableFuture().join()).isEqualTo(1);
    assertThat(redis.delAsync(key("async"), key("async-ttl")).toCompletableFuture().join()).isEqualTo(2);
    assertThat(redis.pingAsync().toCompletableFuture().join()).isPositive();
  }

  @Test
  void manyConcurrentCallersShareTheConnectionWithoutMixingReplies() {
    List<CompletableFuture<Boolean>> checks = new ArrayList<>();
    IntStream.range(0, 2_000).parallel().forEach(i -> {
      String k = key("many:" + i);
      CompletableFuture<Boolean> check = redis.setAsync(k, "v" + i)
          .thenCompose(ok -> redis.getAsync(k))
          .thenApply(value -> ("v" + i).equals(value))
          .toCompletableFuture();
      synchronized (checks) {
        checks.add(check);
      }
    });

    assertThat(checks).hasSize(2_000).allSatisfy(check -> assertThat(check.join()).isTrue());
  }

  @Test
  void badArgumentsAreRejectedWithTheirName() {
    assertThatThrownBy(() -> redis.get(nullString())).isInstanceOf(NullPointerException.class)
        .hasMessage("key must not be null");
    assertThatThrownBy(() -> redis.set(key("x"), nullString())).isInstanceOf(NullPointerException.class)
        .hasMessage("value must not be null");
    assertThatThrownBy(() -> redis.set(key("x"), "v", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be at least 1 ms, was PT0S");
    assertThatThrownBy(() -> redis.set(key("x"), "v", Duration.ofSeconds(-5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must be at least 1 ms, was PT-5S");
    assertThatThrownBy(() -> redis.set(key("x"), "v", Duration.ofNanos(10)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> redis.del()).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keys must name at least one key");
    assertThatThrownBy(() -> redis.hset(key("h"), nullString(), "v")).isInstanceOf(NullPointerException.class)
        .hasMessage("field must not be null");
    assertThatThrownBy(() -> redis.hdel(key("h"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fields must name at least one field");

    assertThat(redis.exists(key("x"))).as("nothing was written").isZero();
  }

  @Test
  void aWrongTypeIsACallerBugNotAnOutage() {
    redis.set(key("string"), "v");

    assertThatThrownBy(() -> redis.hget(key("string"), "f"))
        .isInstanceOf(RedisCommandExecutionException.class)
        .isNotInstanceOf(RedisUnavailableException.class)
        .hasMessageStartingWith("WRONGTYPE");
  }

  @Test
  void theConnectionRunsTheSeedsSetAndMultiPatterns() {
    assumeFalse(endpoint.isCluster(), "a single server's connection; see theClusterConnectionIsTheClustersGetClient");
    RedisCommands<String, String> shared = redis.connection().sync();
    shared.sadd(key("sessions:123"), "jti-abc-123", "jti-def-456");
    shared.srem(key("sessions:123"), "jti-abc-123");
    assertThat(shared.smembers(key("sessions:123"))).containsExactly("jti-def-456");

    try (StatefulRedisConnection<String, String> own = redis.client().connect(redis.redisUri())) {
      RedisCommands<String, String> commands = own.sync();
      commands.multi();
      commands.set(key("key1"), "value1");
      commands.incr(key("counter"));
      commands.expire(key("key1"), 3600);
      TransactionResult result = commands.exec();
      assertThat(result.wasDiscarded()).isFalse();
      assertThat(result.<Long>get(1)).isEqualTo(1L);
    }
  }

  @Test
  void pipelinesRunOnAConnectionOfTheirOwn() {
    assumeFalse(endpoint.isCluster(), "a single server's connection");
    try (StatefulRedisConnection<String, String> own = redis.client().connect(redis.redisUri())) {
      own.setAutoFlushCommands(false);
      RedisAsyncCommands<String, String> pipeline = own.async();
      var first = pipeline.set(key("p1"), "value1");
      var second = pipeline.set(key("p2"), "value2");
      var counter = pipeline.incr(key("p-counter"));
      own.flushCommands();

      assertThat(first.toCompletableFuture().join()).isEqualTo("OK");
      assertThat(second.toCompletableFuture().join()).isEqualTo("OK");
      assertThat(counter.toCompletableFuture().join()).isEqualTo(1L);
    }
    assertThat(redis.get(key("p2"))).isEqualTo("value2");
  }

  @Test
  void aPubSubConnectionReceivesWhatTheServicePublishes() {
    List<String> received = new CopyOnWriteArrayList<>();
    String channel = key("user:notifications");
    try (StatefulRedisPubSubConnection<String, String> subscriber = redis.connectPubSub()) {
      subscriber.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String from, String message) {
          received.add(message);
        }
      });
      subscriber.sync().subscribe(channel);

      long receivers = TestRedis.sync(redis).publish(channel, "{\"userId\":123}");
      if (!redis.isCluster()) {
        // On a cluster the count covers only the node that took the message; delivery is what counts there.
        assertThat(receivers).isEqualTo(1);
      }
      await().atMost(Duration.ofSeconds(2)).until(() -> received.contains("{\"userId\":123}"));
    }
  }

  @Test
  void notStartedAndClosedServicesSaySo() {
    RedisService service = RedisService.create(TestRedis.settings(endpoint).build());
    assertThatThrownBy(() -> service.get("k")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is not started: call start() first");

    service.start();
    assertThat(service.start()).as("start is idempotent").isSameAs(service);
    assertThat(service.isConnected()).isTrue();
    service.close();
    service.close();

    assertThat(service.isConnected()).isFalse();
    assertThatThrownBy(() -> service.get("k")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed");
    assertThatThrownBy(service::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
  }

  @Test
  void eachModeOffersItsOwnConnectionAndRefusesTheOtherClearly() {
    if (endpoint.isCluster()) {
      assertThat(redis.isCluster()).isTrue();
      assertThatThrownBy(redis::connection).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cluster mode").hasMessageContaining("commands()")
        .hasMessageContaining("clusterConnection()");
      assertThatThrownBy(redis::client).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clusterClient()");
      assertThat(redis.clusterConnection().sync().clusterInfo()).contains("cluster_state:ok");
      assertThat(redis.clusterClient().getPartitions()).isNotEmpty();
    } else {
      assertThat(redis.isCluster()).isFalse();
      assertThatThrownBy(redis::clusterConnection).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not in cluster mode");
      assertThatThrownBy(redis::clusterClient).isInstanceOf(IllegalStateException.class);
      assertThat(redis.connection().sync().ping()).isEqualTo("PONG");
    }
    assertThat(redis.resources())
        .isSameAs(redis.isCluster() ? redis.clusterClient().getResources() : redis.client().getResources());
  }

  @Test
  void durableWritesWaitForAReplicaOnlyWhenAskedAndFailClearlyWithoutOne() {
    RedisRuntime shared = redis.runtime();
    shared.await(shared.awaitReplicas(key("no-durability")));
    String plain = key("plain");
    shared.await(shared.sendDurable(commands -> commands.set(plain, "{}")));
    assertThat(redis.get(plain)).as("durability off: the shared connection").isEqualTo("{}");

    try (RedisService durable = RedisService.start(TestRedis.settings(endpoint)
        .durability(Durability.waitFor(1, Duration.ofMillis(100))).build())) {
      RedisRuntime runtime = durable.runtime();
      String session = durable.keyNames().session("user-1", "jti-1");
      runtime.await(runtime.sendDurable(commands -> commands.set(session, "{}")));
      if (endpoint.isCluster()) {
        // Every master of the shared cluster has one replica; WAIT goes to the master of the key's slot.
        runtime.await(runtime.awaitReplicas(session));
        assertThat(runtime.await(runtime.awaitReplicas(session, 1, Duration.ofMillis(100)))).isEqualTo(1);
      } else {
        assertThatThrownBy(() -> runtime.await(runtime.awaitReplicas(session)))
            .isInstanceOf(RedisUnavailableException.class)
            .hasMessageContaining("Only 0 of 1 replicas")
            .hasMessageContaining("may be lost in a failover");
      }
      assertThat(durable.get(session)).as("the write itself is done either way").isEqualTo("{}");
      assertThatThrownBy(() -> runtime.awaitReplicas(session, 0, Duration.ofMillis(10)))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("replicas must be >= 1, was 0");
      assertThatThrownBy(() -> runtime.awaitReplicas(session, 1, durable.settings().commandTimeout()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("timeout must be 1 ms or more");
    }
  }

  @Test
  void clusterSettingsMakeAClusterModeServiceThatConnectsOnlyOnStart() {
    RedisSettings cluster = RedisSettings.fromEnvironment(java.util.Map.of("REDIS_CLUSTER_NODES", "127.0.0.1:7000"));

    try (RedisService service = RedisService.create(cluster)) {
      assertThat(service.isCluster()).isTrue();
      assertThat(service.isConnected()).isFalse();
      assertThat(service.redisUri().getPort()).isEqualTo(7000);
      assertThat(service.keyNames().layout()).isEqualTo(com.cloutsy.redis.keys.KeyLayout.CLUSTER);
    }
  }

  private static String nullString() {
    return null;
  }
}
