package com.cloutsy.redis.resilience;

import com.cloutsy.redis.embedded.EmbeddedRedis;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Network faults between the library and the server, made by {@link TcpProxy}: added latency below and above the
 * command timeout, connection resets in the middle of a command (it ran, its reply is lost), and a blackhole that
 * stops forwarding without closing anything, as a silently dead peer.
 */
class NetworkFaultTest {

  private static final long MARGIN = TimeUnit.MILLISECONDS.toNanos(50);
  private static final Duration SMALL_LATENCY = Duration.ofMillis(20);
  private static final Duration LARGE_LATENCY = Duration.ofMillis(1500);

  @Test
  void latencyResetsAndABlackholeAreSurvivedWithTheSameService() {
    Mode mode = Mode.current();
    Findings findings = new Findings(3, "Network faults through a TCP proxy",
        "The mixed load through a proxy that adds " + Findings.millis(SMALL_LATENCY) + " each way for "
            + mode.faultLoad().toSeconds() + " s, then " + Findings.millis(LARGE_LATENCY) + " each way (beyond the"
            + " command timeout) for " + Findings.millis(mode.pause()) + ", then resets " + mode.resets()
            + " connections just as a reply comes back (the command ran, the client sees a reset), then forwards"
            + " nothing at all without closing (blackhole) until the client drops the connection or "
            + mode.blackholeLimit().toSeconds() + " s pass. TCP_USER_TIMEOUT is twice the command timeout.");
    try (Scenario scenario = Scenario.start(EmbeddedRedis.builder(), true, true)) {
      TcpProxy proxy = scenario.proxy();
      try (Load load = scenario.load(Duration.ofSeconds(180), 36)) {
        proxy.latency(SMALL_LATENCY);
        LockSupport.parkNanos(mode.faultLoad().toNanos());
        slowLink(scenario, proxy, mode.pause());
        LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        int injected = 0;
        for (int i = 0; i < mode.resets(); i++) {
          injected += resetMidCommand(scenario, proxy) ? 1 : 0;
          LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        }
        findings.atLeast("connections reset mid-command", injected, mode.resets());
        blackhole(scenario, proxy, mode.blackholeLimit(), findings);
        LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        findings.figure("operations run", load.steps());
      }
      findings.within("slowest recovery after a network fault ended, all capabilities", scenario.slowestRecovery(),
          Mode.RECOVERY_BOUND);
      findings.figure("recovery after each fault (slow link, resets, blackhole)", scenario.recoveries());
      findings.figure("connections the proxy accepted", proxy.accepted());
      scenario.finish(findings, true);
    }
  }

  private static void slowLink(Scenario scenario, TcpProxy proxy, Duration duration) {
    long started = System.nanoTime();
    proxy.latency(LARGE_LATENCY);
    LockSupport.parkNanos(duration.toNanos());
    long ending = System.nanoTime();
    // A reply takes two delays; no call that started after the switch can be answered within the timeout.
    scenario.timeline.outage("latency", started + MARGIN, ending);
    proxy.latency(Duration.ZERO);
    // Bytes already delayed still arrive in order, up to one delay later: that is when the link is back.
    long cleared = ending + LARGE_LATENCY.toNanos();
    Scenario.parkUntil(cleared);
    scenario.recover("latency", started, cleared);
  }

  private static boolean resetMidCommand(Scenario scenario, TcpProxy proxy) {
    long started = System.nanoTime();
    proxy.resetOnNextReply();
    long deadline = started + TimeUnit.SECONDS.toNanos(5);
    while (proxy.resetPending() && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    boolean happened = !proxy.resetPending();
    scenario.recover("reset", started, System.nanoTime());
    return happened;
  }

  private static void blackhole(Scenario scenario, TcpProxy proxy, Duration limit, Findings findings) {
    long started = System.nanoTime();
    proxy.blackhole();
    long deadline = started + limit.toNanos();
    while (scenario.workload.redis().isConnected() && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    long noticed = System.nanoTime();
    boolean dropped = !scenario.workload.redis().isConnected();
    scenario.timeline.outage("blackhole", started + MARGIN, noticed);
    long firstFailure = scenario.ledger.calls().stream()
        .filter(call -> call.start() >= started && call.result() != Ledger.Result.OK)
        .mapToLong(Ledger.Call::end).min().orElse(noticed);
    findings.within("blackhole: first call to fail after it began", Duration.ofNanos(firstFailure - started),
        Mode.callTimeBound());
    findings.figure("blackhole: connection dropped by the client (TCP_USER_TIMEOUT once the window is full)",
        dropped ? "after " + Findings.millis(Duration.ofNanos(noticed - started))
            : "not within " + limit.toSeconds() + " s");
    proxy.heal();
    scenario.recover("blackhole", started, System.nanoTime());
  }
}
