package com.cloutsy.redis.health;

/**
 * Why a {@link HealthReport} is not {@link HealthStatus#UP}, each with the status it leads to. The codes keep apart
 * the failures that need different fixes: a password, a certificate, an ACL, memory, or a failover.
 */
public enum HealthProblem {
  /** The service was never started, or is closed. */
  NOT_STARTED(HealthStatus.DOWN),
  /** No connection: refused, reset, DNS, or still reconnecting. */
  UNREACHABLE(HealthStatus.DOWN),
  /** Redis did not answer within the check's timeout: stalled, overloaded, or a network partition. */
  TIMEOUT(HealthStatus.DOWN),
  /** The server refused the credentials ({@code WRONGPASS}, {@code NOAUTH}). */
  AUTHENTICATION(HealthStatus.DOWN),
  /** The TLS handshake failed: certificate, trust store, protocol, or TLS against a plain-text port. */
  TLS(HealthStatus.DOWN),
  /** The ACL user may not run a command or touch a key the application needs ({@code NOPERM}). */
  NOPERM(HealthStatus.DOWN),
  /** Writes are refused because used memory is above {@code maxmemory} and nothing can be evicted ({@code OOM}). */
  OOM(HealthStatus.DOWN),
  /** The server is a replica or answered {@code READONLY}: writes are refused, typically during a failover. */
  READONLY(HealthStatus.DOWN),
  /** The server is loading its data set into memory after a restart ({@code LOADING}). */
  LOADING(HealthStatus.DOWN),
  /** Writes are refused because the last RDB or AOF write failed ({@code MISCONF}). */
  MISCONF(HealthStatus.DOWN),
  /** A script or function runs too long and blocks the server ({@code BUSY}). */
  BUSY(HealthStatus.DOWN),
  /** Redis Cluster is not serving: {@code cluster_state:fail} or {@code CLUSTERDOWN}. */
  CLUSTER_DOWN(HealthStatus.DOWN),
  /** The write/read probe failed for another reason, or read back something else than it wrote. */
  PROBE_FAILED(HealthStatus.DOWN),
  /** Used memory is above the policy's share of {@code maxmemory}: evictions or OOM errors are near. */
  MEMORY_HIGH(HealthStatus.DEGRADED),
  /** The PING round trip took longer than the policy allows. */
  LATENCY_HIGH(HealthStatus.DEGRADED),
  /** Keys were evicted since the previous check: data the application wrote is being dropped for memory. */
  KEYS_EVICTED(HealthStatus.DEGRADED),
  /** Connections were rejected since the previous check: {@code maxclients} was reached. */
  CONNECTIONS_REJECTED(HealthStatus.DEGRADED),
  /** Redis Cluster serves, but some slots are unassigned or on nodes that are failing. */
  CLUSTER_SLOTS_AT_RISK(HealthStatus.DEGRADED),
  /** Some nodes of the Redis Cluster did not answer; their slots are served (else it would be CLUSTER_DOWN). */
  CLUSTER_NODE_UNREACHABLE(HealthStatus.DEGRADED),
  /** {@code INFO} could not be read (often an ACL without {@code +info}), so role and memory are unknown. */
  INFO_UNAVAILABLE(HealthStatus.DEGRADED);

  private final HealthStatus status;

  HealthProblem(HealthStatus status) {
    this.status = status;
  }

  /** The status a report with this problem has at best: {@link HealthStatus#DOWN} or {@link HealthStatus#DEGRADED}. */
  public HealthStatus status() {
    return status;
  }
}
