package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.config.HostPort;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.EmbeddedSentinel;
import com.cloutsy.redis.embedded.WithRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestReporter;

/**
 * Issue 18, point 3: a failover that kills nothing ({@code SENTINEL FAILOVER}). The old master keeps running: until
 * the sentinels convert it (seconds later) it takes writes that its resync then drops, and after that it answers
 * READONLY. Under a mixed load (writer and reader threads on one service), every write acknowledged from 2 s after the
 * promotion (when a sentinel first names the new master) on must be on the new master, and none may fail.
 */
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SentinelDemotionIT {

  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(2);
  /** The sentinels convert the old master some seconds after the promotion (about 8 s with Redis 6.2). */
  private static final Duration CONVERTED_WITHIN = Duration.ofSeconds(20);
  /** Load that goes on after the old master was converted, when it answers READONLY. */
  private static final Duration LOAD_AFTER_CONVERSION = Duration.ofSeconds(2);
  private static final int WRITERS = 4;
  private static final int READERS = 2;
  private static final int OPERATIONS_PER_THREAD = 200_000;

  private final EmbeddedSentinel topology;

  SentinelDemotionIT(EmbeddedSentinel topology) {
    this.topology = topology;
  }

  @AfterAll
  void close() {
    topology.close();
  }

  /** One acknowledged write: its key and when its acknowledgement arrived. */
  private record Write(String key, long ackedAt) {}

  @Test
  void writesReachThePromotedMasterWithinTwoSecondsOfAFailoverThatKilledNothing(TestReporter reporter)
      throws Exception {
    EmbeddedRedis oldMaster = topology.master();
    RedisSettings settings = RedisSettings.builder()
        .sentinelMaster(EmbeddedSentinel.MASTER_NAME)
        .sentinelNodes(Arrays.stream(topology.sentinelNodes().split(","))
            .map(node -> HostPort.parse(node, "REDIS_SENTINEL_NODES")).toList())
        .keyPrefix(TestRedis.freshPrefix())
        .commandTimeout(Duration.ofSeconds(1))
        .build();
    Queue<Write> acked = new ConcurrentLinkedQueue<>();
    Queue<Long> failedAt = new ConcurrentLinkedQueue<>();
    AtomicLong reads = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    RedisClient admin = RedisClient.create();
    try (RedisService redis = RedisService.start(settings);
        StatefulRedisSentinelConnection<String, String> sentinel = admin.connectSentinel(
            RedisURI.create(topology.sentinels().get(0).host(), topology.sentinels().get(0).port()))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < WRITERS + READERS; t++) {
        boolean writer = t < WRITERS;
        String name = "w" + t;
        threads.add(new Thread(() -> {
          for (int i = 0; i < OPERATIONS_PER_THREAD && System.nanoTime() - deadline < 0 && !stop.get(); i++) {
            try {
              if (writer) {
                String key = "demotion:" + name + ":" + i;
                redis.set(key, "v");
                acked.add(new Write(key, System.nanoTime()));
              } else {
                redis.get("demotion:w0:" + i);
                reads.incrementAndGet();
              }
            } catch (RedisUnavailableException failed) {
              failedAt.add(System.nanoTime());
            }
          }
        }, "demotion-load-" + t));
      }
      threads.forEach(Thread::start);
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> acked.size() >= 2_000);
        assertThat(failedAt).as("no failure before the failover").isEmpty();

        assertThat(sentinel.sync().failover(EmbeddedSentinel.MASTER_NAME)).isEqualTo("OK");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() ->
            ((InetSocketAddress) sentinel.sync().getMasterAddrByName(EmbeddedSentinel.MASTER_NAME)).getPort()
                != oldMaster.port());
        long promotedAt = System.nanoTime();
        EmbeddedRedis newMaster = topology.master();
        try (StatefulRedisConnection<String, String> demoted = admin.connect(
            RedisURI.create(oldMaster.host(), oldMaster.port()))) {
          await().atMost(CONVERTED_WITHIN).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
              .until(() -> demoted.sync().info("replication").contains("role:slave"));
        }
        long convertedAt = System.nanoTime();
        await().atMost(LOAD_AFTER_CONVERSION.plusSeconds(10)).until(() -> acked.stream()
            .anyMatch(w -> w.ackedAt() - convertedAt > LOAD_AFTER_CONVERSION.toNanos()));
        long stoppedAt = System.nanoTime();
        stop.set(true);
        for (Thread thread : threads) {
          thread.join(TimeUnit.SECONDS.toMillis(10));
          assertThat(thread.isAlive()).isFalse();
        }

        long boundAt = promotedAt + RECOVERY_BOUND.toNanos();
        List<Write> afterPromotion = acked.stream().filter(w -> w.ackedAt() > promotedAt && w.ackedAt() < stoppedAt)
            .toList();
        List<Write> lost = new ArrayList<>();
        try (StatefulRedisConnection<String, String> direct = admin.connect(
            RedisURI.create(newMaster.host(), newMaster.port()))) {
          for (int from = 0; from < afterPromotion.size(); from += 10_000) {
            List<Write> batch = afterPromotion.subList(from, Math.min(afterPromotion.size(), from + 10_000));
            // The facade's keys are the caller's own: no prefix.
            List<RedisFuture<Long>> found = batch.stream().map(w -> direct.async().exists(w.key())).toList();
            for (int i = 0; i < batch.size(); i++) {
              if (found.get(i).get(10, TimeUnit.SECONDS) == 0) {
                lost.add(batch.get(i));
              }
            }
          }
        }
        long afterBound = afterPromotion.stream().filter(w -> w.ackedAt() > boundAt).count();
        long missing = lost.stream().filter(w -> w.ackedAt() > boundAt).count();
        long lastLostMillis = lost.stream().mapToLong(w -> (w.ackedAt() - promotedAt) / 1_000_000).max().orElse(0);
        long firstServedMillis = afterPromotion.stream().filter(w -> !lost.contains(w))
            .mapToLong(w -> (w.ackedAt() - promotedAt) / 1_000_000).min().orElse(-1);
        long failedAfterBound = failedAt.stream().filter(at -> at > boundAt).count();
        String summary = String.format("SENTINEL FAILOVER under %d writers and %d readers: the first write on the"
                + " new master was acknowledged %d ms after the promotion; the old master was"
                + " converted %d ms after the promotion; %d writes acknowledged after the promotion were lost (the"
                + " last acknowledged %d ms after it); of %d acknowledged from 2 s after the promotion %d are missing"
                + " on the new master, and %d calls failed after that; %d failed in all, %d reads", WRITERS, READERS,
            firstServedMillis, (convertedAt - promotedAt) / 1_000_000, lost.size(), lastLostMillis, afterBound, missing,
            failedAfterBound, failedAt.size(), reads.get());
        System.out.println(summary);
        reporter.publishEntry("sentinel-demotion", summary);
        assertThat(afterBound).as("writes acknowledged after the bound").isPositive();
        assertThat(missing).as("acknowledged writes that went to the demoted master").isZero();
        assertThat(failedAfterBound).as("calls failing 2 s after the promotion").isZero();
      } finally {
        stop.set(true);
      }
    } finally {
      admin.shutdown();
    }
  }
}
