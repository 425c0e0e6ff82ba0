package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.cloutsy.redis.config.HostPort;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.EmbeddedRedisCluster;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.health.HealthCheck;
import com.cloutsy.redis.health.HealthPolicy;
import com.cloutsy.redis.health.HealthReport;
import com.cloutsy.redis.health.HealthStatus;
import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.pubsub.EventBus;
import com.cloutsy.redis.ratelimit.Decision;
import com.cloutsy.redis.ratelimit.RateLimit;
import com.cloutsy.redis.ratelimit.RateLimiter;
import com.cloutsy.redis.session.Device;
import com.cloutsy.redis.session.SessionPolicy;
import com.cloutsy.redis.session.SessionStore;
import com.cloutsy.redis.session.UserType;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;
import org.slf4j.LoggerFactory;

/**
 * Redis Cluster behaviour that the shared-cluster suite run cannot show: one user's keys in one slot, and a master
 * killed under a load of logins ({@link SessionStore#createAsync}) and rate-limit decisions
 * ({@link RateLimiter#tryAcquireAsync}). A cluster of its own (3 masters, 1 replica each), because this test kills a
 * node.
 */
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailoverIT {

  /** High enough that every decision of the load is allowed: a denial is an answer too, but this keeps them alike. */
  private static final RateLimit PER_MINUTE = RateLimit.fixedWindow(1_000_000, Duration.ofMinutes(1));
  private static final Device PHONE = Device.of("iphone-1", "Cloutsy/3.2 (iPhone)", UserType.INFLUENCER);
  /** Bounds of the load: it stops at whichever comes first. */
  private static final Duration LOAD_LIMIT = Duration.ofSeconds(30);
  private static final int CALL_LIMIT = 200_000;
  private static final int USERS = 48;

  private final EmbeddedRedisCluster cluster;
  private final RedisService redis;
  private final Keys keys;
  private final RateLimiter limiter;
  private final SessionStore sessions;

  ClusterFailoverIT(EmbeddedRedisCluster cluster) {
    this.cluster = cluster;
    this.redis = RedisService.start(RedisSettings.builder()
        .clusterNodes(List.of(HostPort.parse(cluster.nodes().get(0).host() + ":" + cluster.nodes().get(0).port(),
            "REDIS_CLUSTER_NODES")))
        .keyPrefix(TestRedis.freshPrefix())
        .commandTimeout(Duration.ofSeconds(1))
        .build());
    this.keys = redis.keyNames();
    this.limiter = RateLimiter.create(redis);
    // A few sessions per user, so that each login of the load also evicts, as a busy user's would.
    this.sessions = SessionStore.create(redis, SessionPolicy.defaults().withMaxSessionsPerUser(5));
  }

  @AfterAll
  void close() {
    redis.close();
  }

  @Test
  @Order(1)
  void everyKeyOfOneUserLandsInOneSlotAsTheServerComputesIt() {
    String user = "user-42";
    String phone = "+15550042";
    List<String> userKeys = List.of(keys.session(user, "jti-1"), keys.session(user, "jti-2"), keys.sessionIndex(user),
        keys.apiLimit(user, "/feed"), keys.apiLimit(user, "/search"), keys.userPrefs(user));
    List<String> phoneKeys = List.of(keys.otpCode(phone), keys.otpCooldown(phone), keys.otpRequests(phone),
        keys.otpAttempts(phone), keys.otpVerified(phone), keys.otpCode(phone, "login"));
    List<String> loginKeys = List.of(keys.loginAttempts("alice@example.com"),
        keys.loginPairAttempts("alice@example.com", "10.0.0.1"), keys.loginLockouts("alice@example.com"),
        keys.loginPairLockouts("alice@example.com", "10.0.0.1"));

    for (List<String> group : List.of(userKeys, phoneKeys, loginKeys)) {
      Set<Long> slots = new HashSet<>();
      for (String key : group) {
        slots.add(TestRedis.sync(redis).clusterKeyslot(key));
      }
      assertThat(slots).as("CLUSTER KEYSLOT of %s", group).hasSize(1);
    }
    // And several users spread over the cluster rather than crowding one node.
    Set<EmbeddedRedis> masters = new HashSet<>();
    for (int i = 0; i < USERS; i++) {
      masters.add(cluster.masterOf(SlotHash.getSlot(keys.sessionIndex("user-" + i))));
    }
    assertThat(masters).hasSize(3);
  }

  @Test
  @Order(2)
  void afterAMasterIsKilledUnderLoadItsReplicaServesAndCallsSucceedAgainWithoutARestart(TestReporter reporter)
      throws Exception {
    List<String> users = IntStream.range(0, USERS).mapToObj(i -> "user-" + i).toList();
    // The seed node: the service's first connections, its pub/sub connection among them, go there.
    EmbeddedRedis victim = cluster.nodes().get(0);
    assertThat(cluster.masters()).contains(victim);
    List<String> victimUsers = users.stream()
        .filter(user -> cluster.masterOf(SlotHash.getSlot(keys.sessionIndex(user))) == victim).toList();
    assertThat(victimUsers).isNotEmpty();

    Load load = new Load(users, victimUsers);
    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(RedisService.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    log.addAppender(logged);
    ExecutorService workers = Executors.newFixedThreadPool(4);
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (HealthCheck health = HealthCheck.create(redis, HealthPolicy.defaults().withTimeout(Duration.ofSeconds(1)));
        EventBus bus = EventBus.create(redis)) {
      bus.subscribe("failover", String.class, (channel, event) -> events.add(event));
      bus.publish("failover", "before");
      await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("before"));
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        running.add(workers.submit(load::run));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> load.succeeded.get() >= 500);
      assertThat(load.failed.get()).as("no failure before the kill").isZero();

      long killedAt = System.nanoTime();
      cluster.kill(victim);
      HealthReport during = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
          .until(health::health, report -> report.status() != HealthStatus.UP);
      Duration promoted = cluster.awaitHealthy(Duration.ofSeconds(20));
      // The client notices on its own: a refused node, then a topology refresh that routes to the promoted replica.
      await().atMost(Duration.ofSeconds(20)).until(() -> load.victimSuccessAfterKill.get() > 0);
      long recoveredAt = load.firstVictimSuccessAfterKill.get();
      long failedUntilRecovery = load.failed.get();
      await().atMost(Duration.ofSeconds(10)).until(() -> load.victimSuccessAfterKill.get() >= 200);
      load.stop = true;
      for (Future<?> worker : running) {
        worker.get(LOAD_LIMIT.toSeconds() + 5, TimeUnit.SECONDS);
      }

      // Operations succeed again on every slot, through the same service: nothing was restarted.
      for (String user : users) {
        assertThat(sessions.create(user, "after", PHONE).session().jti()).isEqualTo("after");
        assertThat(sessions.get(user, "after")).isPresent();
        Decision decision = limiter.tryAcquire(keys.apiLimit(user, "/after"), PER_MINUTE);
        assertThat(decision.allowed()).isTrue();
        assertThat(decision.remaining()).as("a fresh window in Redis").isEqualTo(PER_MINUTE.limit() - 1);
      }
      // The subscriber connection resubscribed on a node that is still up; publishing goes through the cluster.
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        bus.publish("failover", "after");
        return events.contains("after");
      });
      HealthReport report = health.health();
      assertThat(report.cluster()).isNotNull();
      assertThat(report.cluster().state()).isEqualTo("ok");
      assertThat(report.cluster().coversAllSlots()).isTrue();

      long failedAfterRecovery = load.failed.get() - failedUntilRecovery;
      String summary = String.format("Cluster failover under load (4 callers, %d users, 1 of 3 masters killed;"
              + " SessionStore.createAsync and RateLimiter.tryAcquireAsync, fail closed): %d calls, %d failed"
              + " (%d until the killed master's slots answered again, %d after); of the failed, %d"
              + " went to the masters that stayed up and were refused by the cluster with CLUSTERDOWN while a slot"
              + " range had no master; replica promoted %d ms after the kill, the client served the killed master's"
              + " slots again %d ms after the kill, the last call failed %d ms after the kill; health during: %s %s;"
              + " health after: %s",
          USERS, load.succeeded.get() + load.failed.get(), load.failed.get(), failedUntilRecovery, failedAfterRecovery,
          load.clusterDownOtherMasters.get(), promoted.toMillis(), (recoveredAt - killedAt) / 1_000_000,
          (load.lastFailureAt.get() - killedAt) / 1_000_000, during.status(), during.reasons(), report.status());
      System.out.println(summary);
      reporter.publishEntry("failover", summary);
      assertThat(load.failedOtherMasters.get()).as("calls to the masters that stayed up fail only with CLUSTERDOWN")
          .isZero();
      assertThat((recoveredAt - killedAt) / 1_000_000).as("ms until the killed master's slots answered again")
          .isLessThan(20_000);
      List<String> lost;
      synchronized (logged) {
        lost = logged.list.stream().map(ILoggingEvent::getFormattedMessage)
            .filter(message -> message.startsWith("Redis cluster node")).toList();
      }
      assertThat(lost).as("the lost node is logged once, with its address")
          .containsOnlyOnce("Redis cluster node 127.0.0.1:" + victim.port() + " connection lost: "
              + redis.settings().describeEndpoint() + "; commands for its slots fail until it or its replica serves"
              + " them, reconnecting");
    } finally {
      log.detachAppender(logged);
      load.stop = true;
      workers.shutdownNow();
      workers.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Rate-limit decisions and logins (a new session each) for many users, one call at a time per worker, counted by
   * outcome. Both fail closed, so every call Redis could not serve is counted as failed, none is decided locally.
   */
  private final class Load {
    final List<String> users;
    final Set<String> victimUsers;
    final AtomicLong succeeded = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong failedOtherMasters = new AtomicLong();
    final AtomicLong victimSuccessAfterKill = new AtomicLong();
    final AtomicLong firstVictimSuccessAfterKill = new AtomicLong();
    final AtomicLong calls = new AtomicLong();
    final AtomicLong clusterDownOtherMasters = new AtomicLong();
    final AtomicLong lastFailureAt = new AtomicLong();
    final AtomicLong firstVictimFailureAt = new AtomicLong();
    volatile boolean stop;

    Load(List<String> users, List<String> victimUsers) {
      this.users = users;
      this.victimUsers = Set.copyOf(victimUsers);
    }

    /** Calls to the masters that stayed up may fail only with the cluster's own CLUSTERDOWN refusal. */
    void failedOtherMasters(String user, RedisUnavailableException failure) {
      if (victimUsers.contains(user)) {
        return;
      }
      if (String.valueOf(failure.getMessage()).contains("CLUSTERDOWN")) {
        clusterDownOtherMasters.incrementAndGet();
      } else {
        failedOtherMasters.incrementAndGet();
      }
    }

    void run() {
      long deadline = System.nanoTime() + LOAD_LIMIT.toNanos();
      while (!stop && System.nanoTime() - deadline < 0) {
        long call = calls.incrementAndGet();
        if (call > CALL_LIMIT) {
          return;
        }
        String user = users.get((int) (call % users.size()));
        long started = System.nanoTime();
        boolean ok;
        try {
          if (call % 2 == 0) {
            Decision decision =
                redis.runtime().await(limiter.tryAcquireAsync(keys.apiLimit(user, "/feed"), PER_MINUTE));
            assertThat(decision.decidedLocally()).as("fail closed: Redis decided").isFalse();
          } else {
            redis.runtime().await(sessions.createAsync(user, "jti-" + call, PHONE));
          }
          ok = true;
        } catch (RedisUnavailableException failure) {
          ok = false;
          failedOtherMasters(user, failure);
        }
        boolean victim = victimUsers.contains(user);
        if (ok) {
          succeeded.incrementAndGet();
          // Recovery is the first success of a call sent after the first failure: replies the killed master had
          // already written still arrive just after it.
          long firstFailure = firstVictimFailureAt.get();
          if (victim && firstFailure != 0 && started - firstFailure > 0) {
            firstVictimSuccessAfterKill.compareAndSet(0, System.nanoTime());
            victimSuccessAfterKill.incrementAndGet();
          }
        } else {
          failed.incrementAndGet();
          lastFailureAt.accumulateAndGet(System.nanoTime(), Math::max);
          if (victim) {
            firstVictimFailureAt.compareAndSet(0, System.nanoTime());
          }
        }
      }
    }
  }
}
