package com.cloutsy.redis.resilience;

import java.time.Duration;

/**
 * How long and how hard the suite runs. {@link #QUICK} is what every build runs, bounded to well under two minutes
 * of faults on a 2-core machine; {@link #FULL}, chosen with {@code -Preliability} or
 * {@code -Dcloutsy.resilience=full}, is the 60 s mixed load with 5 restarts and longer faults.
 *
 * @param name quick or full
 * @param restartLoad how long the mixed load runs while the server is restarted
 * @param restarts how many times the server is restarted during that load
 * @param outage how long the server stays down at each restart
 * @param pause how long each pause (CLIENT PAUSE, DEBUG SLEEP, SIGSTOP) lasts; longer than the command timeout
 * @param faultLoad how long the load runs around each shorter fault (latency, OOM, eviction)
 * @param resets how many connection resets mid-command the proxy injects
 * @param blackholeLimit the longest the blackhole is held while waiting for the client to drop the connection
 * @param workers load threads
 */
record Mode(String name, Duration restartLoad, int restarts, Duration outage, Duration pause, Duration faultLoad,
    int resets, Duration blackholeLimit, int workers) {

  /** The command timeout every service of the suite uses; the invariants are stated against it. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

  /** A call may take the command timeout plus this share before it counts as blocking too long. */
  static final double CALL_TIME_MARGIN = 0.20;

  /** Every capability must work again this soon after a fault ends. */
  static final Duration RECOVERY_BOUND = Duration.ofSeconds(2);

  static final Mode QUICK = new Mode("quick", Duration.ofSeconds(14), 2, Duration.ofMillis(1500),
      Duration.ofMillis(2500), Duration.ofSeconds(3), 3, Duration.ofSeconds(12), 6);

  static final Mode FULL = new Mode("full", Duration.ofSeconds(60), 5, Duration.ofSeconds(2),
      Duration.ofMillis(3000), Duration.ofSeconds(8), 10, Duration.ofSeconds(25), 8);

  /** The mode the system property {@code cloutsy.resilience} names; quick when it is absent. */
  static Mode current() {
    String chosen = System.getProperty("cloutsy.resilience", "quick").trim();
    return switch (chosen) {
      case "", "quick" -> QUICK;
      case "full" -> FULL;
      default -> throw new IllegalArgumentException("cloutsy.resilience must be quick or full, was \"" + chosen + "\"");
    };
  }

  /** The longest a blocking call may take: the command timeout plus {@link #CALL_TIME_MARGIN}. */
  static Duration callTimeBound() {
    return Duration.ofNanos((long) (COMMAND_TIMEOUT.toNanos() * (1 + CALL_TIME_MARGIN)));
  }

  boolean isFull() {
    return this == FULL;
  }
}
