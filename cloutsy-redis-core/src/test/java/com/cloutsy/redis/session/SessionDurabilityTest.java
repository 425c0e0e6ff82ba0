package com.cloutsy.redis.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.CommandStats;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.UnconfirmedWriteException;
import com.cloutsy.redis.config.Durability;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * Session writes with {@code REDIS_WAIT_REPLICAS=1}: confirmed by a real replica before they are reported, and a
 * clear, bounded failure when no replica is connected. Dedicated servers, because one of them becomes a replica.
 */
@WithRedis
class SessionDurabilityTest {

  private static final Duration WAIT_TIMEOUT = Duration.ofMillis(200);
  private static final Device PHONE = Device.of("iphone-1", "Cloutsy/3.2", UserType.INFLUENCER);
  private static final int TIMED_CREATES = 200;

  private static RedisSettings.Builder settings(EmbeddedRedis master) {
    return RedisSettings.builder().url(master.uri()).keyPrefix(TestRedis.freshPrefix());
  }

  private static RedisSettings durable(EmbeddedRedis master) {
    return settings(master).durability(Durability.waitFor(1, WAIT_TIMEOUT)).build();
  }

  /**
   * Makes {@code replica} replicate {@code master} and waits until the master counts it as an online replica that
   * confirms a WAIT: "online" is set once the snapshot is sent, and the replica may still be loading it.
   */
  private static void attach(EmbeddedRedis replica, EmbeddedRedis master) {
    try (RedisService onReplica = RedisService.start(RedisSettings.builder().url(replica.uri()).build());
        RedisService onMaster = RedisService.start(RedisSettings.builder().url(master.uri()).build())) {
      onReplica.connection().sync().replicaof(master.host(), master.port());
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        String replication = onMaster.connection().sync().info("replication");
        return replication.contains("connected_slaves:1") && replication.contains("state=online")
            && onMaster.connection().sync().waitForReplication(1, 100) == 1;
      });
    }
  }

  @Test
  void withAReplicaEveryWriteIsConfirmedBeforeItIsReportedAndReadsNeverWait(EmbeddedRedis master,
      EmbeddedRedis replica, TestReporter reporter) {
    attach(replica, master);
    try (CommandStats stats = CommandStats.start(durable(master));
        RedisService onReplica = RedisService.start(RedisSettings.builder().url(replica.uri()).build())) {
      RedisService redis = stats.measured();
      SessionStore store = SessionStore.create(redis);
      String key = redis.keyNames().session("u-1", "a");

      CommandStats.Delta created = stats.during(() -> store.create("u-1", "a", PHONE));
      assertThat(created.calls("wait")).as("one WAIT after the script").isEqualTo(1);
      assertThat(onReplica.get(key)).as("confirmed: the replica has it the moment create returns").isNotNull();

      store.create("u-1", "b", PHONE);
      store.create("u-1", "c", PHONE);
      assertThat(stats.during(() -> store.touch("u-1", "a")).calls("wait"))
          .as("a touch runs on every request and never waits").isZero();
      assertThat(stats.during(() -> {
        store.get("u-1", "a");
        store.list("u-1");
        store.count("u-1");
      }).calls("wait")).as("reads never wait").isZero();

      assertThat(stats.during(() -> store.revoke("u-1", "a")).calls("wait")).isEqualTo(1);
      assertThat(onReplica.get(key)).as("the revocation is on the replica too").isNull();
      assertThat(stats.during(() -> store.revokeAllExcept("u-1", "b")).calls("wait")).isEqualTo(1);
      assertThat(stats.during(() -> store.revokeAll("u-1")).calls("wait")).isEqualTo(1);
      assertThat(onReplica.exists(redis.keyNames().sessionIndex("u-1"), redis.keyNames().session("u-1", "b"))).isZero();

      try (RedisService plainService = RedisService.start(settings(master).build())) {
        SessionStore plain = SessionStore.create(plainService);
        long durableMicros = medianMicros(i -> store.create("timed-" + i, PHONE));
        long plainMicros = medianMicros(i -> plain.create("timed-" + i, PHONE));
        String summary = String.format("Session create on loopback with a replica (median of %d, one caller):"
            + " %d us with WAIT 1, %d us without", TIMED_CREATES, durableMicros, plainMicros);
        System.out.println(summary);
        reporter.publishEntry("session-durability", summary);
      }
    }
  }

  @Test
  void withoutAConnectedReplicaWritesFailAfterTheWaitTimeoutSayingWhatHappened(EmbeddedRedis alone) {
    try (RedisService redis = RedisService.start(durable(alone));
        RedisService plainService = RedisService.start(settings(alone).keyPrefix(redis.keyNames().prefix()).build())) {
      SessionStore store = SessionStore.create(redis);
      SessionStore plain = SessionStore.create(plainService);
      long createdBefore = redis.runtime().counters().counter("cloutsy.redis.sessions.created").count();
      String unconfirmed = "only 0 of 1 replicas confirmed it within 200 ms (REDIS_WAIT_REPLICAS,"
          + " REDIS_WAIT_TIMEOUT_MS)";

      long started = System.nanoTime();
      assertThatThrownBy(() -> store.create("u-1", "a", PHONE))
          .isInstanceOfSatisfying(UnconfirmedWriteException.class, shortfall -> {
            assertThat(shortfall.confirmedReplicas()).isZero();
            assertThat(shortfall.requiredReplicas()).isEqualTo(1);
          })
          .hasMessage("The new session of user u-1 was not created: " + unconfirmed + "; it has been ended again, so"
              + " its jti is not valid (sessions it evicted to make room stay ended). Log in again once a replica is"
              + " connected");
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      System.out.println("Session create without a connected replica failed after " + took.toMillis() + " ms (WAIT"
          + " timeout " + WAIT_TIMEOUT.toMillis() + " ms, command timeout "
          + redis.settings().commandTimeout().toMillis() + " ms)");
      assertThat(took).as("WAIT blocks for its timeout, then the call fails; never the command timeout")
          .isGreaterThanOrEqualTo(WAIT_TIMEOUT.minusMillis(10))
          .isLessThan(WAIT_TIMEOUT.plusSeconds(1));
      assertThat(store.get("u-1", "a")).as("the failed login left no session behind").isEmpty();
      assertThat(store.count("u-1")).isZero();
      assertThat(redis.runtime().counters().counter("cloutsy.redis.sessions.created").count()).isEqualTo(createdBefore);
      assertThatThrownBy(() -> store.create("u-1", "a", PHONE)).as("a retry is not refused as a duplicate jti")
          .isInstanceOf(UnconfirmedWriteException.class);

      Session existing = plain.create("u-2", "b", PHONE).session();
      assertThat(store.touch("u-2", "b").map(Session::lastSeenAt)).as("a touch does not wait for replicas")
          .hasValueSatisfying(seen -> assertThat(seen).isAfterOrEqualTo(existing.lastSeenAt()));
      assertThatThrownBy(() -> store.revoke("u-2", "b")).isInstanceOf(UnconfirmedWriteException.class)
          .hasMessage("Revoking a session of user u-2 is done on the master, but " + unconfirmed + ": a failover now"
              + " could bring the sessions back, so revoke again once a replica is connected");
      assertThat(store.get("u-2", "b")).isEqualTo(Optional.empty());
      assertThatThrownBy(() -> store.revokeAll("u-2")).as("a retry waits for the replicas again")
          .isInstanceOf(UnconfirmedWriteException.class).hasMessageStartingWith("Revoking every session of user u-2");
    }
  }

  /** The median time of {@value #TIMED_CREATES} creates, each for a user of its own. */
  private static long medianMicros(IntFunction<SessionCreated> create) {
    long[] micros = new long[TIMED_CREATES];
    for (int i = 0; i < TIMED_CREATES; i++) {
      long started = System.nanoTime();
      create.apply(i);
      micros[i] = (System.nanoTime() - started) / 1_000;
    }
    Arrays.sort(micros);
    return micros[TIMED_CREATES / 2];
  }
}
