package com.cloutsy.redis.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisMatrix;
import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.keys.KeyLayout;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Health reports against real servers in each state: no state is faked. */
@RunsAs(LeastPrivilege.HEALTH)
@RedisMatrix(topologies = {Topology.SINGLE, Topology.CLUSTER})
class HealthCheckTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  /** Generous, so a loaded test machine does not add a LATENCY_HIGH reason where a test expects none. */
  private static final HealthPolicy PATIENT = HealthPolicy.defaults().withTimeout(Duration.ofSeconds(3))
      .withLatencyThreshold(Duration.ofSeconds(3));

  private final RedisEndpoint shared;

  HealthCheckTest(RedisEndpoint shared) {
    this.shared = shared;
  }

  private static RedisSettings.Builder settings(EmbeddedRedis server) {
    return RedisSettings.builder().host(server.host()).port(server.port()).commandTimeout(Duration.ofSeconds(2))
        .connectTimeout(Duration.ofSeconds(1));
  }

  private static RedisClusterCommands<String, String> admin(RedisService redis) {
    return TestRedis.sync(redis);
  }

  @Test
  void aHealthyServerIsUpWithItsNumbersAndTheProbeKeyExpires() {
    try (RedisService redis = TestRedis.start(shared, KeyLayout.CLUSTER); HealthCheck check = HealthCheck.create(redis,
        PATIENT)) {
      assertThat(check.lastReport()).isNull();

      HealthReport report = check.health();

      assertThat(report.status()).as(report.toString()).isEqualTo(HealthStatus.UP);
      assertThat(report.isUp()).isTrue();
      assertThat(report.reasons()).isEmpty();
      assertThat(report.pingLatency()).isPositive();
      if (shared.isCluster()) {
        // Every node was asked; the INFO node may be a replica, which is no problem for a cluster connection.
        assertThat(report.cluster()).isNotNull();
        assertThat(report.cluster().state()).isEqualTo("ok");
        assertThat(report.cluster().coversAllSlots()).isTrue();
        assertThat(report.cluster().nodesAsked()).isEqualTo(shared.clusterNodes().size());
        assertThat(report.cluster().unreachableNodes()).isEmpty();
      } else {
        assertThat(report.cluster()).isNull();
        assertThat(report.server().role()).isEqualTo("master");
      }
      assertThat(report.took()).isLessThan(PATIENT.timeout().plusSeconds(1));
      HealthReport.Server server = report.server();
      assertThat(server).isNotNull();
      assertThat(server.version()).matches("\\d+\\.\\d+\\.\\d+");
      assertThat(server.connectedClients()).isPositive();
      assertThat(server.memory().usedMemory()).isPositive();
      assertThat(server.memory().peakMemory()).isGreaterThanOrEqualTo(server.memory().usedMemory() / 2);
      assertThat(server.memory().maxMemoryPolicy()).isNotBlank();
      assertThat(server.uptime()).isGreaterThanOrEqualTo(Duration.ZERO);
      assertThat(check.lastReport()).isSameAs(report);
      List<String> probeKeys;
      try (Stream<String> scanned = Diagnostics.create(TestRedis.admin(redis))
          .scan(redis.keyNames().prefix() + "cloutsy:health:*")) {
        // SCAN may return a key twice.
        probeKeys = scanned.distinct().toList();
      }
      assertThat(probeKeys).hasSize(1);
      assertThat(admin(redis).pttl(probeKeys.get(0))).isBetween(1L, 60_000L);
    }
  }

  @Test
  void aSlowPingIsDegradedButStillUp() {
    try (RedisService redis = TestRedis.start(shared);
        HealthCheck check = HealthCheck.create(redis, PATIENT.withLatencyThreshold(Duration.ofNanos(1)))) {
      HealthReport report = check.health();

      assertThat(report.status()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(report.isUp()).isTrue();
      assertThat(report.reasons()).extracting(HealthReport.Reason::problem).containsExactly(HealthProblem.LATENCY_HIGH);
      assertThat(report.reasons().get(0).detail()).startsWith("PING took ").endsWith("more than 0 ms");
    }
  }

  @Test
  void memoryAboveTheThresholdIsDegradedAndFullMemoryIsDownWithOom(EmbeddedRedis server) {
    try (RedisService redis = RedisService.start(settings(server).build());
        HealthCheck check = HealthCheck.create(redis, PATIENT)) {
      long used = check.health().server().memory().usedMemory();
      long max = used + 4 * 1024 * 1024;
      admin(redis).configSet("maxmemory", String.valueOf(max));
      assertThat(check.health().status()).isEqualTo(HealthStatus.UP);

      fillUntil(redis, () -> check.health().server().memory().usedShareOfMax() > 0.92);
      HealthReport degraded = check.health();

      assertThat(degraded.status()).as(degraded.toString()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(degraded.isUp()).isTrue();
      assertThat(degraded.reasons()).extracting(HealthReport.Reason::problem)
          .containsExactly(HealthProblem.MEMORY_HIGH);
      assertThat(degraded.reasons().get(0).detail()).contains("of maxmemory " + max, "noeviction");
      assertThat(degraded.server().memory().maxMemory()).isEqualTo(max);

      // Filled until the check's own small probe is refused: right at the limit a 1 KB write can fail with OOM
      // while the probe, a few bytes smaller, still fits.
      java.util.concurrent.atomic.AtomicReference<HealthReport> full =
        new java.util.concurrent.atomic.AtomicReference<>();
      fillUntil(redis, true, () -> {
        HealthReport report = check.health();
        full.set(report);
        return report.has(HealthProblem.OOM);
      });
      HealthReport down = full.get();

      assertThat(down.status()).as(down.toString()).isEqualTo(HealthStatus.DOWN);
      assertThat(down.isUp()).isFalse();
      assertThat(down.reasons()).extracting(HealthReport.Reason::problem)
          .containsExactly(HealthProblem.OOM, HealthProblem.MEMORY_HIGH);
      assertThat(down.reasons().get(0).detail()).startsWith("write probe SET: OOM");
    }
  }

  @Test
  void evictionsSinceThePreviousCheckAreDegraded(EmbeddedRedis server) {
    try (RedisService redis = RedisService.start(settings(server).build());
        HealthCheck check = HealthCheck.create(redis, PATIENT.withMemoryThreshold(1))) {
      long used = check.health().server().memory().usedMemory();
      admin(redis).configSet("maxmemory", String.valueOf(used + 2 * 1024 * 1024));
      admin(redis).configSet("maxmemory-policy", "allkeys-lru");
      assertThat(check.health().status()).isEqualTo(HealthStatus.UP);

      fillUntil(redis, () -> InfoFields.parse(admin(redis).info("stats")).number("evicted_keys", 0) > 0);
      HealthReport report = check.health();

      assertThat(report.status()).as(report.toString()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(report.reasons()).extracting(HealthReport.Reason::problem).contains(HealthProblem.KEYS_EVICTED);
      assertThat(report.server().evictedKeys()).isPositive();
      assertThat(check.health().has(HealthProblem.KEYS_EVICTED)).as("no new evictions since").isFalse();
    }
  }

  @Test
  void aStoppedServerIsDownWithTheErrorTextAndUpAgainAfterItReturns(EmbeddedRedis server) {
    try (RedisService redis = RedisService.start(settings(server).build());
        HealthCheck check = HealthCheck.create(redis, PATIENT)) {
      server.stop();
      await().atMost(WAIT).until(() -> !redis.isConnected());

      HealthReport report = check.health();

      assertThat(report.status()).isEqualTo(HealthStatus.DOWN);
      assertThat(report.isUp()).isFalse();
      assertThat(report.reasons()).extracting(HealthReport.Reason::problem)
          .containsExactly(HealthProblem.UNREACHABLE);
      assertThat(report.reasons().get(0).detail()).startsWith("PING: ").contains("not connected");
      assertThat(report.pingLatency()).isNull();
      assertThat(report.server()).isNull();
      assertThat(report.took()).isLessThan(Duration.ofSeconds(1));

      server.restart();
      await().atMost(WAIT).until(() -> check.health().status() == HealthStatus.UP);
    }
  }

  @Test
  void aStalledServerIsDownWithinTheTimeout(EmbeddedRedis server) {
    try (RedisService redis = RedisService.start(settings(server).build());
        HealthCheck check = HealthCheck.create(redis, PATIENT.withTimeout(Duration.ofMillis(300)))) {
      server.pause();
      try {
        HealthReport report = check.health();

        assertThat(report.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(report.reasons()).extracting(HealthReport.Reason::problem).containsExactly(HealthProblem.TIMEOUT);
        assertThat(report.took()).isBetween(Duration.ofMillis(250), Duration.ofMillis(1_500));
      } finally {
        server.resume();
      }
    }
  }

  @Test
  void anUnreachableServerIsDownWithTheErrorTextWithoutThrowing() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    HealthReport report = HealthCheck.checkOnce(RedisSettings.builder().host("127.0.0.1").port(port)
        .connectTimeout(Duration.ofSeconds(1)).build(), PATIENT);

    assertThat(report.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(report.reasons()).extracting(HealthReport.Reason::problem).containsExactly(HealthProblem.UNREACHABLE);
    assertThat(report.reasons().get(0).detail()).startsWith("connect: ").contains("127.0.0.1:" + port);
  }

  @Test
  void aServiceThatIsNotStartedIsDown() {
    try (RedisService redis = RedisService.create(TestRedis.settings(shared).build());
        HealthCheck check = HealthCheck.create(redis)) {
      HealthReport report = check.health();

      assertThat(report.status()).isEqualTo(HealthStatus.DOWN);
      assertThat(report.reasons()).extracting(HealthReport.Reason::problem).containsExactly(HealthProblem.NOT_STARTED);
      assertThat(report.reasons().get(0).detail()).contains("call start() first");
    }
  }

  @Test
  void aWrongPasswordIsAnAuthenticationProblem(EmbeddedRedis server) {
    try (RedisService owner = RedisService.start(settings(server).build())) {
      admin(owner).configSet("requirepass", "right-secret");
    }
    HealthReport wrong = HealthCheck.checkOnce(settings(server).password("wrong-secret").build(), PATIENT);
    HealthReport none = HealthCheck.checkOnce(settings(server).build(), PATIENT);
    HealthReport right = HealthCheck.checkOnce(settings(server).password("right-secret").build(), PATIENT);

    assertThat(wrong.reasons()).extracting(HealthReport.Reason::problem).containsExactly(HealthProblem.AUTHENTICATION);
    assertThat(wrong.toString()).doesNotContain("secret");
    assertThat(none.status()).as(none.toString()).isEqualTo(HealthStatus.DOWN);
    assertThat(none.reasons()).extracting(HealthReport.Reason::problem).containsExactly(HealthProblem.AUTHENTICATION);
    assertThat(right.status()).as(right.toString()).isEqualTo(HealthStatus.UP);
  }

  @Test
  void aPasswordChangedUnderARunningServiceIsReportedAsAuthenticationOnceItReconnects(EmbeddedRedis server) {
    try (RedisService redis = RedisService.start(settings(server).build());
        HealthCheck check = HealthCheck.create(redis, PATIENT)) {
      assertThat(check.health().status()).isEqualTo(HealthStatus.UP);
      admin(redis).configSet("requirepass", "rotated-secret");
      try (RedisService other = RedisService.start(settings(server).password("rotated-secret").build())) {
        admin(other).clientKill(io.lettuce.core.KillArgs.Builder.id(admin(redis).clientId()));
      }

      await().atMost(WAIT).untilAsserted(() -> assertThat(check.health().reasons())
          .extracting(HealthReport.Reason::problem).containsExactly(HealthProblem.AUTHENTICATION));
    }
  }

  @Test
  void tlsAgainstAPlainTextPortIsATlsProblem() throws Exception {
    // A plain-text Redis mostly waits for a command line that never comes; a port that answers at once gets its
    // answer rejected as not TLS. Both are the same mistake and must read the same.
    HealthReport silent = HealthCheck.checkOnce(RedisSettings.builder().url(shared.uri()).tls(true)
        .connectTimeout(Duration.ofSeconds(1)).build(), PATIENT);
    HealthReport answering;
    try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread responder = new Thread(() -> {
        try (var client = plain.accept()) {
          client.getInputStream().read(new byte[512]);
          client.getOutputStream()
            .write("-ERR unknown command\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          client.getOutputStream().flush();
          client.getInputStream().read();
        } catch (java.io.IOException closed) {
          // the client gave up, as it should
        }
      });
      responder.start();
      answering = HealthCheck.checkOnce(RedisSettings.builder().host("127.0.0.1").port(plain.getLocalPort()).tls(true)
          .connectTimeout(Duration.ofSeconds(1)).build(), PATIENT);
      responder.join(WAIT.toMillis());
    }

    assertThat(silent.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(silent.reasons()).as(silent.toString()).extracting(HealthReport.Reason::problem)
        .containsExactly(HealthProblem.TLS);
    assertThat(answering.reasons()).as(answering.toString()).extracting(HealthReport.Reason::problem)
        .containsExactly(HealthProblem.TLS);
  }

  @Test
  void aReplicaIsDownForWritesUntilItIsPromoted(EmbeddedRedis server) throws Exception {
    int nobody;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      nobody = probe.getLocalPort();
    }
    try (RedisService redis = RedisService.start(settings(server).build());
        HealthCheck check = HealthCheck.create(redis, PATIENT)) {
      admin(redis).replicaof("127.0.0.1", nobody);

      HealthReport report = check.health();

      assertThat(report.status()).isEqualTo(HealthStatus.DOWN);
      assertThat(report.reasons()).extracting(HealthReport.Reason::problem).containsExactly(HealthProblem.READONLY);
      assertThat(report.server().isReplica()).isTrue();

      admin(redis).replicaofNoOne();
      assertThat(check.health().status()).isEqualTo(HealthStatus.UP);
    }
  }

  @Test
  void anAclThatForbidsTheProbeKeyIsNopermAndOneThatForbidsInfoIsDegraded(EmbeddedRedis server) {
    try (RedisService owner = RedisService.start(settings(server).build())) {
      admin(owner).aclSetuser("no-health-key", io.lettuce.core.AclSetuserArgs.Builder.on().addPassword("pw-one")
          .keyPattern("app:*").allCommands());
      admin(owner).aclSetuser("no-info", io.lettuce.core.AclSetuserArgs.Builder.on().addPassword("pw-two")
          .allKeys().allCommands().removeCommand(io.lettuce.core.protocol.CommandType.INFO));
    }

    HealthReport noKey = HealthCheck.checkOnce(settings(server).username("no-health-key").password("pw-one").build(),
        PATIENT);
    HealthReport noInfo = HealthCheck.checkOnce(settings(server).username("no-info").password("pw-two").build(),
        PATIENT);

    assertThat(noKey.status()).as(noKey.toString()).isEqualTo(HealthStatus.DOWN);
    assertThat(noKey.reasons()).extracting(HealthReport.Reason::problem).containsExactly(HealthProblem.NOPERM);
    assertThat(noInfo.status()).as(noInfo.toString()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(noInfo.reasons()).extracting(HealthReport.Reason::problem)
        .containsExactly(HealthProblem.INFO_UNAVAILABLE);
    assertThat(noInfo.reasons().get(0).detail()).contains("NOPERM");
    assertThat(noInfo.server()).isNull();
  }

  @Test
  void aLongRunningScriptIsBusy(EmbeddedRedis server) {
    try (RedisService redis = RedisService.start(settings(server).build());
        HealthCheck check = HealthCheck.create(redis, PATIENT);
        StatefulRedisConnection<String, String> blocker = redis.client().connect(redis.redisUri())) {
      admin(redis).configSet("lua-time-limit", "50");
      CompletionStage<Object> endless =
        blocker.async().eval("while true do end", io.lettuce.core.ScriptOutputType.STATUS);
      try {
        await().atMost(WAIT).untilAsserted(() -> assertThat(check.health().reasons())
            .extracting(HealthReport.Reason::problem).contains(HealthProblem.BUSY));
      } finally {
        await().atMost(WAIT).ignoreExceptions().until(() -> "OK".equals(admin(redis).scriptKill()));
      }
      assertThat(endless.toCompletableFuture()).failsWithin(WAIT);
      await().atMost(WAIT).until(() -> check.health().status() == HealthStatus.UP);
    }
  }

  @Test
  void aClusterNodeReportsClusterStateAndSlotCoverage() {
    try (EmbeddedRedis node = EmbeddedRedis.builder().config("cluster-enabled", "yes").start();
        RedisService redis = RedisService.start(settings(node).build());
        HealthCheck check = HealthCheck.create(redis, PATIENT)) {
      HealthReport unassigned = check.health();

      assertThat(unassigned.status()).isEqualTo(HealthStatus.DOWN);
      assertThat(unassigned.reasons()).extracting(HealthReport.Reason::problem)
          .containsExactly(HealthProblem.CLUSTER_DOWN);
      assertThat(unassigned.cluster()).isNotNull();
      assertThat(unassigned.cluster().state()).isEqualTo("fail");
      assertThat(unassigned.cluster().slotsAssigned()).isZero();

      admin(redis).clusterAddSlots(IntStream.range(0, HealthReport.Cluster.SLOTS).toArray());
      await().atMost(WAIT).until(() -> check.health().status() == HealthStatus.UP);
      HealthReport.Cluster cluster = check.lastReport().cluster();
      assertThat(cluster.state()).isEqualTo("ok");
      assertThat(cluster.coversAllSlots()).isTrue();
      assertThat(cluster.knownNodes()).isEqualTo(1);
      assertThat(cluster.size()).isEqualTo(1);
    }
  }

  @Test
  void policiesAndReportsRefuseNonsense() {
    assertThatIllegalArgumentException().isThrownBy(() -> HealthPolicy.defaults().withTimeout(Duration.ZERO))
        .withMessage("timeout must be > 0, was PT0S");
    assertThatIllegalArgumentException().isThrownBy(() -> HealthPolicy.defaults().withMemoryThreshold(1.5))
        .withMessage("memoryThreshold must be in (0, 1], was 1.5");
    assertThatIllegalArgumentException().isThrownBy(() -> HealthPolicy.defaults().withMemoryThreshold(Double.NaN))
        .withMessage("memoryThreshold must be in (0, 1], was NaN");
    assertThatIllegalArgumentException().isThrownBy(() -> new HealthReport(HealthStatus.UP,
            List.of(new HealthReport.Reason(HealthProblem.OOM, "x")), null, null, null, java.time.Instant.EPOCH,
            Duration.ZERO))
        .withMessageStartingWith("status must be DOWN");
  }

  /** Writes 1 KB values in pipelined batches until {@code done}, at most 64 MB, so a bug cannot loop forever. */
  private static void fillUntil(RedisService redis, java.util.function.BooleanSupplier done) {
    fillUntil(redis, false, done);
  }

  /**
   * {@link #fillUntil(RedisService, java.util.function.BooleanSupplier)}, with {@code toTheLastByte} also tiny
   * values in each batch: once 1 KB writes fail with OOM they still fill the last bytes, so the check's own small
   * probe is refused too, whatever the few bytes of connection state the server holds.
   */
  private static void fillUntil(RedisService redis, boolean toTheLastByte, java.util.function.BooleanSupplier done) {
    String value = "v".repeat(1024);
    for (int batch = 0; batch < 640 && !done.getAsBoolean(); batch++) {
      List<CompletionStage<String>> writes = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        writes.add(redis.runtime().commands().set("filler:" + batch + ":" + i, value));
        if (toTheLastByte) {
          writes.add(redis.runtime().commands().set("f:" + batch + ":" + i, "v"));
        }
      }
      writes.forEach(write -> write.toCompletableFuture().handle((ok, oom) -> ok).join());
    }
    assertThat(done.getAsBoolean()).as("condition reached within the fill limit").isTrue();
  }
}
