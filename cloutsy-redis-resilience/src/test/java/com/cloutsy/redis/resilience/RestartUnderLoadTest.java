package com.cloutsy.redis.resilience;

import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.embedded.EmbeddedRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The headline scenario: a mixed load of every capability while the server is stopped and started again several
 * times (the full run: 5 restarts in 60 s), alternately by SIGTERM and by SIGKILL. The server keeps an append-only
 * file fsynced on every write, as security state needs, so nothing it acknowledged may be lost.
 */
class RestartUnderLoadTest {

  @Test
  void everyInvariantHoldsWhileTheServerRestartsUnderMixedLoad() {
    Mode mode = Mode.current();
    Leaks leaks = Leaks.snapshot();
    Ledger ledger = new Ledger();
    Timeline timeline = new Timeline();
    List<Duration> recoveries = new ArrayList<>();
    Workload.Counts counts;
    long connections;
    long steps;
    EmbeddedRedis server = EmbeddedRedis.builder().config("appendonly", "yes").config("appendfsync", "always").start();
    try (Admin admin = new Admin(server.port())) {
      Reliability.redisVersion(admin.info("redis_version"));
      try (Workload workload = new Workload(server.port(), ledger, true)) {
        long started = System.nanoTime();
        long interval = mode.restartLoad().toNanos() / (mode.restarts() + 1);
        try (Load load = new Load(workload, mode.workers(), mode.restartLoad().plusSeconds(30), 12)) {
          for (int restart = 1; restart <= mode.restarts(); restart++) {
            parkUntil(started + restart * interval);
            recoveries.add(restart(server, workload, timeline, restart % 2 == 0, mode.outage()));
          }
          parkUntil(started + mode.restartLoad().toNanos());
          steps = load.steps();
        }
        counts = workload.settle();
      }
      connections = Leaks.connections(admin);
    } finally {
      server.close();
    }

    Findings findings = new Findings(1, "Restarts under mixed load",
        "Every capability (sessions, fail-closed and fail-open rate limits, OTP, login guard, cache with and without"
            + " near cache, pub/sub, health) driven by " + mode.workers() + " threads for "
            + mode.restartLoad().toSeconds() + " s while the server is restarted " + mode.restarts()
            + " times, alternately SIGTERM and SIGKILL, each time down for " + Findings.millis(mode.outage())
            + ". appendonly yes, appendfsync always. One RedisService throughout.");
    findings.figure("operations run", steps);
    Duration slowest = recoveries.stream().anyMatch(recovery -> recovery == null) ? null
        : recoveries.stream().max(Duration::compareTo).orElse(Duration.ZERO);
    findings.within("slowest recovery after a restart, all capabilities", slowest, Mode.RECOVERY_BOUND);
    findings.figure("recovery after each restart", recoveries.stream()
        .map(recovery -> recovery == null ? "never" : Findings.millis(recovery)).toList());
    Checks.load(findings, ledger, timeline, counts, true);
    Checks.leaks(findings, leaks, connections);
    findings.publish().assertHold();
  }

  /** Stops the server (SIGKILL when {@code kill}), keeps it down, starts it, and returns the recovery time. */
  private static @Nullable Duration restart(EmbeddedRedis server, Workload workload, Timeline timeline, boolean kill,
      Duration outage) {
    long stopping = System.nanoTime();
    if (kill) {
      ProcessHandle process = ProcessHandle.of(server.pid()).orElseThrow();
      process.destroyForcibly();
      await().atMost(Duration.ofSeconds(5)).until(() -> !process.isAlive());
    } else {
      server.stop();
    }
    long down = System.nanoTime();
    LockSupport.parkNanos(outage.toNanos());
    long starting = System.nanoTime();
    timeline.outage("restart", down, starting);
    server.restart();
    long up = System.nanoTime();
    Duration recovered = workload.awaitRecovery(up, Duration.ofSeconds(10));
    timeline.disturbance("restart", stopping,
        recovered == null ? System.nanoTime() : up + recovered.toNanos());
    return recovered;
  }

  private static void parkUntil(long nanoTime) {
    for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }
}
