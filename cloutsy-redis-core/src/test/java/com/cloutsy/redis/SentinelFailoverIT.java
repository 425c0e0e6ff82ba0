package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.config.Durability;
import com.cloutsy.redis.config.HostPort;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.EmbeddedSentinel;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.session.Device;
import com.cloutsy.redis.session.Session;
import com.cloutsy.redis.session.SessionCreated;
import com.cloutsy.redis.session.SessionStore;
import com.cloutsy.redis.session.UserType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;

/**
 * A Sentinel-managed master killed under a load of logins ({@link SessionStore#createAsync}): the service follows the
 * promoted replica, and what the acknowledgements were worth is counted, first without and then with {@code WAIT 1}
 * ({@code REDIS_WAIT_REPLICAS=1}). One topology for the class; the second test restarts the master the first one
 * killed, which the sentinels turn into the new master's replica.
 */
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SentinelFailoverIT {

  private static final Duration FOLLOW_WITHIN = Duration.ofSeconds(15);
  /** Bounds of each load: it stops at whichever comes first. */
  private static final Duration LOAD_LIMIT = Duration.ofSeconds(30);
  private static final int WRITE_LIMIT = 300_000;
  private static final int IN_FLIGHT = 64;
  private static final Duration PAUSE_AFTER_FAILURE = Duration.ofMillis(5);
  private static final Device PHONE = Device.of("iphone-1", "Cloutsy/3.2 (iPhone)", UserType.INFLUENCER);

  private final EmbeddedSentinel topology;

  SentinelFailoverIT(EmbeddedSentinel topology) {
    this.topology = topology;
  }

  @AfterAll
  void close() {
    topology.close();
  }

  private RedisSettings.Builder settings() {
    return RedisSettings.builder()
        .sentinelMaster(EmbeddedSentinel.MASTER_NAME)
        .sentinelNodes(Arrays.stream(topology.sentinelNodes().split(","))
            .map(node -> HostPort.parse(node, "REDIS_SENTINEL_NODES")).toList())
        .keyPrefix(TestRedis.freshPrefix())
        .commandTimeout(Duration.ofSeconds(1));
  }

  @Test
  @Order(0)
  void aRedisSentinelUrlReachesTheMasterTheSentinelsName() {
    try (RedisService redis = RedisService.start(RedisSettings.builder().url(topology.sentinelUri())
        .keyPrefix(TestRedis.freshPrefix()).commandTimeout(Duration.ofSeconds(1)).build())) {
      redis.set("sentinel-url", "works");

      assertThat(redis.get("sentinel-url")).isEqualTo("works");
      assertThat(redis.settings().describeEndpoint()).isEqualTo("sentinel master " + EmbeddedSentinel.MASTER_NAME
          + " via " + topology.sentinelNodes());
      assertThat(redis.redisUri().getSentinels()).hasSize(3)
          .allSatisfy(sentinel -> assertThat(sentinel.getTimeout()).isEqualTo(Duration.ofSeconds(1)));
    }
  }

  @Test
  @Order(1)
  void withoutWaitTheServiceFollowsThePromotedReplicaAndSomeAcknowledgedWritesMayBeLost(TestReporter reporter)
      throws Exception {
    try (RedisService redis = RedisService.start(settings().build())) {
      Outcome outcome = killMasterUnder(new Writes(redis, false), 500);

      String summary = String.format("Sentinel failover without WAIT: %d sessions created and acknowledged by the"
              + " master, %d of them missing on the promoted replica (lost), %d creates failed; the service created"
              + " sessions again %d ms after the kill", outcome.acknowledged, outcome.lost, outcome.failed,
          outcome.followedMillis);
      System.out.println(summary);
      reporter.publishEntry("sentinel-no-wait", summary);
      assertThat(outcome.followedMillis).as("ms until writes succeed on the promoted replica")
          .isLessThan(FOLLOW_WITHIN.toMillis());
      assertThat(outcome.lost).as("lost can only be among the acknowledged").isLessThanOrEqualTo(outcome.acknowledged);
    }
  }

  @Test
  @Order(2)
  void withWaitOneEveryConfirmedWriteSurvivesTheFailover(TestReporter reporter) throws Exception {
    EmbeddedRedis killedBefore = topology.servers().stream().filter(server -> !server.isRunning()).findFirst()
        .orElseThrow();
    killedBefore.restart();
    topology.awaitReplicaInSync(Duration.ofSeconds(30));
    try (RedisService redis = RedisService.start(settings()
        .durability(Durability.waitFor(1, Duration.ofMillis(200))).build())) {
      // One write on the new master is enough: with its only replica gone each WAIT lasts the whole timeout.
      Outcome outcome = killMasterUnder(new Writes(redis, true), 1);

      // After the failover the new master has no replica left (the other server is the one just killed), so from
      // then on WAIT 1 confirms nothing: those creates fail with UnconfirmedWriteException and end their session.
      String summary = String.format("Sentinel failover with WAIT 1: %d sessions created and confirmed by a replica,"
              + " %d of them missing on the promoted replica, %d creates failed, %d not confirmed (ended again: after"
              + " the failover the new master has no replica to confirm); the service created sessions again %d ms"
              + " after the kill", outcome.acknowledged, outcome.lost, outcome.failed, outcome.unconfirmed,
          outcome.followedMillis);
      System.out.println(summary);
      reporter.publishEntry("sentinel-wait", summary);
      assertThat(outcome.acknowledged).isPositive();
      assertThat(outcome.lost).as("confirmed writes lost").isZero();
      assertThat(outcome.followedMillis).isLessThan(FOLLOW_WITHIN.toMillis());
    }
  }

  private record Outcome(long acknowledged, long lost, long failed, long unconfirmed, long followedMillis) {}

  /** A session whose create was acknowledged. */
  private record Login(String userId, String jti) {}

  /** Writes under load, kills the master, waits until writes succeed again, then checks every acknowledged key. */
  private Outcome killMasterUnder(Writes writes, int writesAfterFollowing) throws Exception {
    Thread writer = new Thread(writes::run, "sentinel-load");
    writer.start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> writes.acknowledged.size() >= 2_000);
      assertThat(writes.failed.get()).as("no failure before the kill").isZero();
      assertThat(writes.unconfirmed.get()).as("every create confirmed before the kill").isZero();

      long killedAt = System.nanoTime();
      topology.killMaster();
      await().atMost(FOLLOW_WITHIN.plusSeconds(5)).until(() -> writes.firstSuccessAfterFailure.get() != 0);
      long followed = (writes.firstSuccessAfterFailure.get() - killedAt) / 1_000_000;
      await().atMost(Duration.ofSeconds(10)).until(() -> writes.successesAfterFailure.get() >= writesAfterFollowing);
      writes.stop = true;
      writer.join(TimeUnit.SECONDS.toMillis(LOAD_LIMIT.toSeconds() + 10));
      assertThat(writer.isAlive()).isFalse();

      // The shared connection reconnects on its own schedule, independently of the durable one.
      await().atMost(FOLLOW_WITHIN).ignoreExceptions().until(() -> writes.redis.ping() != null);
      List<Login> acknowledged = new ArrayList<>(writes.acknowledged);
      long lost = 0;
      for (int from = 0; from < acknowledged.size(); from += 500) {
        List<Login> batch = acknowledged.subList(from, Math.min(acknowledged.size(), from + 500));
        List<CompletableFuture<Optional<Session>>> found = batch.stream()
            .map(login -> writes.store.getAsync(login.userId(), login.jti()).toCompletableFuture()).toList();
        for (CompletableFuture<Optional<Session>> one : found) {
          lost += writes.redis.runtime().await(one).isPresent() ? 0 : 1;
        }
      }
      return new Outcome(acknowledged.size(), lost, writes.failed.get(), writes.unconfirmed.get(), followed);
    } finally {
      writes.stop = true;
      writer.join(TimeUnit.SECONDS.toMillis(5));
    }
  }

  /**
   * Logins, each a new session of a user of its own ({@link SessionStore#createAsync}), up to {@value #IN_FLIGHT} in
   * flight; with durability on, each create is confirmed by WAIT. A session counts as acknowledged when its create
   * succeeded. The master took a create when it succeeded or failed only for want of a confirming replica.
   */
  private static final class Writes {
    final RedisService redis;
    final SessionStore store;
    final Set<Login> acknowledged = ConcurrentHashMap.newKeySet();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong unconfirmed = new AtomicLong();
    final AtomicLong firstSuccessAfterFailure = new AtomicLong();
    final AtomicLong successesAfterFailure = new AtomicLong();
    volatile boolean stop;

    Writes(RedisService redis, boolean confirm) {
      this.redis = redis;
      this.store = SessionStore.create(redis);
      assertThat(redis.settings().durability().isEnabled()).isEqualTo(confirm);
    }

    void run() {
      Semaphore slots = new Semaphore(IN_FLIGHT);
      long deadline = System.nanoTime() + LOAD_LIMIT.toNanos();
      long failuresSeen = 0;
      for (int i = 0; i < WRITE_LIMIT && !stop && System.nanoTime() - deadline < 0; i++) {
        try {
          // Back off a little while writes fail, as a caller would, rather than spin through the write budget.
          if (failed.get() != failuresSeen) {
            failuresSeen = failed.get();
            Thread.sleep(PAUSE_AFTER_FAILURE.toMillis());
          }
          if (!slots.tryAcquire(1, TimeUnit.SECONDS)) {
            continue;
          }
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
        Login login = new Login("user-" + i, "jti-" + i);
        CompletionStage<SessionCreated> create;
        try {
          create = store.createAsync(login.userId(), login.jti(), PHONE);
        } catch (RuntimeException rejectedAtOnce) {
          create = CompletableFuture.failedStage(rejectedAtOnce);
        }
        create.whenComplete((created, failure) -> {
          slots.release();
          Throwable error = failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause() : failure;
          // The master took it: this is what "the service follows the new master" is measured by.
          if ((error == null || error instanceof UnconfirmedWriteException) && failed.get() > 0) {
            firstSuccessAfterFailure.compareAndSet(0, System.nanoTime());
            successesAfterFailure.incrementAndGet();
          }
          if (error == null) {
            acknowledged.add(login);
          } else if (error instanceof UnconfirmedWriteException) {
            unconfirmed.incrementAndGet();
          } else {
            failed.incrementAndGet();
          }
        });
      }
      try {
        slots.tryAcquire(IN_FLIGHT, 5, TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
