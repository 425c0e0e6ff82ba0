package com.cloutsy.redis.resilience;

import com.cloutsy.redis.embedded.EmbeddedRedis;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The server stops answering for longer than the command timeout while it keeps its connections: CLIENT PAUSE (every
 * client blocked), DEBUG SLEEP (the whole server busy, as with a slow script or a fork on a large data set) and
 * SIGSTOP (the process frozen, as a stalled host). Calls must give up within the timeout; commands that timed out
 * still run on the server afterwards, which must not break an invariant either.
 */
class PauseTest {

  /** Margin inside which a pause is certain to be in force, for the outage spans. */
  private static final long MARGIN = TimeUnit.MILLISECONDS.toNanos(50);

  @Test
  void callsGiveUpWithinTheTimeoutAndEverythingWorksAgainAfterEachPause() {
    Mode mode = Mode.current();
    Duration pause = mode.pause();
    int rounds = mode.isFull() ? 2 : 1;
    Findings findings = new Findings(2, "Pauses longer than the command timeout",
        "The same mixed load while the server is paused for " + Findings.millis(pause) + " by CLIENT PAUSE, DEBUG"
            + " SLEEP and SIGSTOP in turn (" + rounds + (rounds == 1 ? " round" : " rounds") + "), with a second of"
            + " normal load between them. Connections stay open; only timeouts tell.");
    // Redis 7 refuses DEBUG unless enabled; 6.2 allows it and the builder skips the directive there.
    try (Scenario scenario = Scenario.start(EmbeddedRedis.builder().config("enable-debug-command", "local"), false,
        true)) {
      try (Load load = scenario.load(Duration.ofSeconds(120), 24)) {
        for (int round = 0; round < rounds; round++) {
          LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
          clientPause(scenario, pause);
          LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
          debugSleep(scenario, pause);
          LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
          processPause(scenario, pause);
        }
        LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        findings.figure("operations run", load.steps());
      }
      findings.within("slowest recovery after a pause ended, all capabilities", scenario.slowestRecovery(),
          Mode.RECOVERY_BOUND);
      findings.figure("recovery after each pause (CLIENT PAUSE, DEBUG SLEEP, SIGSTOP, ...)", scenario.recoveries());
      scenario.finish(findings, true);
    }
  }

  private static void clientPause(Scenario scenario, Duration pause) {
    long started = System.nanoTime();
    scenario.admin.clientPause(pause);
    long paused = System.nanoTime();
    long ends = started + pause.toNanos();
    scenario.timeline.outage("CLIENT PAUSE", paused, ends - MARGIN);
    Scenario.parkUntil(ends);
    scenario.recover("CLIENT PAUSE", started, ends);
  }

  private static void debugSleep(Scenario scenario, Duration pause) {
    long started = System.nanoTime();
    CompletableFuture<String> slept = scenario.admin.debugSleep(pause).toCompletableFuture();
    scenario.timeline.outage("DEBUG SLEEP", started + MARGIN, started + pause.toNanos() - MARGIN);
    slept.join();
    scenario.recover("DEBUG SLEEP", started, System.nanoTime());
  }

  private static void processPause(Scenario scenario, Duration pause) {
    long started = System.nanoTime();
    scenario.server.pause();
    long frozen = System.nanoTime();
    LockSupport.parkNanos(pause.toNanos());
    long resuming = System.nanoTime();
    scenario.timeline.outage("SIGSTOP", frozen, resuming);
    scenario.server.resume();
    scenario.recover("SIGSTOP", started, System.nanoTime());
  }
}
