package com.cloutsy.redis.health;

/** The verdict of a {@link HealthReport}, from best to worst. */
public enum HealthStatus {
  /** Redis answers, accepts writes, and nothing needs attention. */
  UP,
  /** Redis serves reads and writes, but something needs attention soon (memory, latency, evictions). */
  DEGRADED,
  /** Redis cannot serve this application's writes (or at all): unreachable, refusing, loading, or a replica. */
  DOWN
}
