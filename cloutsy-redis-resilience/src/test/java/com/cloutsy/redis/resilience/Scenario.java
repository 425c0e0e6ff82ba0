package com.cloutsy.redis.resilience;

import com.cloutsy.redis.embedded.EmbeddedRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * One fault scenario's setting: a dedicated server, its admin connection, optionally a proxy in front of it, and a
 * workload connected to the server or the proxy; with the ledger and timeline the checks read. {@link #finish}
 * settles the counts, closes everything, counts what was left behind, publishes the findings and asserts them;
 * {@link #close()} closes whatever is still open if the scenario failed before that.
 */
final class Scenario implements AutoCloseable {

  final Mode mode = Mode.current();
  final Ledger ledger = new Ledger();
  final Timeline timeline = new Timeline();
  final EmbeddedRedis server;
  final Admin admin;
  final @Nullable TcpProxy proxy;
  final Workload workload;
  private final Leaks leaks;
  private final List<Duration> recoveries = new ArrayList<>();
  private boolean missedRecovery;

  private Scenario(EmbeddedRedis.Builder builder, boolean proxied, boolean durable) {
    leaks = Leaks.snapshot();
    server = builder.start();
    Admin startedAdmin = null;
    TcpProxy startedProxy = null;
    try {
      startedAdmin = new Admin(server.port());
      Reliability.redisVersion(startedAdmin.info("redis_version"));
      startedProxy = proxied ? new TcpProxy(server.port()) : null;
      workload = new Workload(startedProxy != null ? startedProxy.port() : server.port(), ledger, durable);
    } catch (RuntimeException failed) {
      if (startedProxy != null) {
        startedProxy.close();
      }
      if (startedAdmin != null) {
        startedAdmin.close();
      }
      server.close();
      throw failed;
    }
    admin = startedAdmin;
    proxy = startedProxy;
  }

  /** A scenario on a server built by {@code builder}, the workload connected directly or through a proxy. */
  static Scenario start(EmbeddedRedis.Builder builder, boolean proxied, boolean durable) {
    return new Scenario(builder, proxied, durable);
  }

  TcpProxy proxy() {
    if (proxy == null) {
      throw new IllegalStateException("this scenario has no proxy");
    }
    return proxy;
  }

  /** Starts the mixed load; it stops when closed, at the latest after {@code limit}. */
  Load load(Duration limit, long seed) {
    return new Load(workload, mode.workers(), limit, seed);
  }

  /**
   * Waits until every capability works again, records the time since {@code faultEnded} and the disturbance from
   * {@code faultStarted}, and returns the time, or null if they did not recover within 10 s.
   */
  @Nullable Duration recover(String fault, long faultStarted, long faultEnded) {
    Duration recovered = workload.awaitRecovery(faultEnded, Duration.ofSeconds(10));
    timeline.disturbance(fault, faultStarted, recovered == null ? System.nanoTime()
        : faultEnded + recovered.toNanos());
    if (recovered == null) {
      missedRecovery = true;
    } else {
      recoveries.add(recovered);
    }
    return recovered;
  }

  /** The slowest recovery so far, or null if one never happened. */
  @Nullable Duration slowestRecovery() {
    return missedRecovery ? null : recoveries.stream().max(Duration::compareTo).orElse(Duration.ZERO);
  }

  List<String> recoveries() {
    List<String> all = recoveries.stream().map(Findings::millis).toList();
    return missedRecovery ? append(all, "never") : all;
  }

  private static List<String> append(List<String> list, String item) {
    List<String> more = new ArrayList<>(list);
    more.add(item);
    return more;
  }

  /** Settles, checks, closes and counts leaks, then publishes and asserts {@code findings}. */
  void finish(Findings findings, boolean durable) {
    Workload.Counts counts = workload.settle();
    Checks.load(findings, ledger, timeline, counts, durable);
    workload.close();
    long connections = Leaks.connections(admin);
    close();
    Checks.leaks(findings, leaks, connections);
    findings.publish().assertHold();
  }

  static void parkUntil(long nanoTime) {
    for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  @Override
  public void close() {
    workload.close();
    admin.close();
    if (proxy != null) {
      proxy.close();
    }
    server.close();
  }
}
