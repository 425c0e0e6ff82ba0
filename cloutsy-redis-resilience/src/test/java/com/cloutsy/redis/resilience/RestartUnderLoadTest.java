package com.cloutsy.redis.resilience;

import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.embedded.EmbeddedRedis;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
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
    EmbeddedRedis.Builder persistent = EmbeddedRedis.builder().config("appendonly", "yes")
        .config("appendfsync", "always");
    Findings findings = new Findings(1, "Restarts under mixed load",
        "Every capability (sessions, fail-closed and fail-open rate limits, OTP, login guard, cache with and without"
            + " near cache, pub/sub, health, a plain INCR counter) driven by " + mode.workers() + " threads for "
            + mode.restartLoad().toSeconds() + " s while the server is restarted " + mode.restarts()
            + " times, alternately by SIGTERM and SIGKILL, each time down for " + Findings.millis(mode.outage())
            + ". appendonly yes, appendfsync always. One RedisService throughout.");
    try (Scenario scenario = Scenario.start(persistent, false, true)) {
      long started = System.nanoTime();
      long interval = mode.restartLoad().toNanos() / (mode.restarts() + 1);
      try (Load load = scenario.load(mode.restartLoad().plusSeconds(30), 12)) {
        for (int restart = 1; restart <= mode.restarts(); restart++) {
          Scenario.parkUntil(started + restart * interval);
          restart(scenario, restart % 2 == 0);
        }
        Scenario.parkUntil(started + mode.restartLoad().toNanos());
        findings.figure("operations run", load.steps());
      }
      findings.within("slowest recovery after a restart, all capabilities", scenario.slowestRecovery(),
          Mode.RECOVERY_BOUND);
      findings.figure("recovery after each restart", scenario.recoveries());
      scenario.finish(findings, true);
    }
  }

  /** Stops the server (SIGKILL when {@code kill}), keeps it down, starts it and waits for recovery. */
  private static void restart(Scenario scenario, boolean kill) {
    EmbeddedRedis server = scenario.server;
    long stopping = System.nanoTime();
    if (kill) {
      ProcessHandle process = ProcessHandle.of(server.pid()).orElseThrow();
      process.destroyForcibly();
      await().atMost(Duration.ofSeconds(5)).until(() -> !process.isAlive());
    } else {
      server.stop();
    }
    long down = System.nanoTime();
    LockSupport.parkNanos(scenario.mode.outage().toNanos());
    scenario.timeline.outage("restart", down, System.nanoTime());
    server.restart();
    scenario.recover("restart", stopping, System.nanoTime());
  }
}
