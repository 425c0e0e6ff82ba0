package com.cloutsy.redis.health;

import java.time.Duration;
import java.util.Objects;

/**
 * Thresholds and bounds of a {@link HealthCheck}.
 *
 * @param timeout how long the whole check may wait for Redis (each command of it is bounded by what is left); kept
 *     short, so a readiness probe answers quickly even when Redis does not
 * @param memoryThreshold share of {@code maxmemory} above which the report is {@link HealthStatus#DEGRADED}, in
 *     (0, 1]; ignored when the server has no {@code maxmemory}
 * @param latencyThreshold PING round trip above which the report is {@link HealthStatus#DEGRADED}
 */
public record HealthPolicy(Duration timeout, double memoryThreshold, Duration latencyThreshold) {

  /** Checks the values. */
  public HealthPolicy {
    Objects.requireNonNull(timeout, "timeout must not be null");
    Objects.requireNonNull(latencyThreshold, "latencyThreshold must not be null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0, was " + timeout);
    }
    if (!(memoryThreshold > 0 && memoryThreshold <= 1)) {
      throw new IllegalArgumentException("memoryThreshold must be in (0, 1], was " + memoryThreshold);
    }
    if (latencyThreshold.isNegative() || latencyThreshold.isZero()) {
      throw new IllegalArgumentException("latencyThreshold must be > 0, was " + latencyThreshold);
    }
  }

  /** One second for the check, DEGRADED above 90% of {@code maxmemory} or 200 ms of PING. */
  public static HealthPolicy defaults() {
    return new HealthPolicy(Duration.ofSeconds(1), 0.9, Duration.ofMillis(200));
  }

  /** A copy with another timeout for the whole check. */
  public HealthPolicy withTimeout(Duration timeout) {
    return new HealthPolicy(timeout, memoryThreshold, latencyThreshold);
  }

  /** A copy with another share of {@code maxmemory} that makes the report DEGRADED. */
  public HealthPolicy withMemoryThreshold(double memoryThreshold) {
    return new HealthPolicy(timeout, memoryThreshold, latencyThreshold);
  }

  /** A copy with another PING latency that makes the report DEGRADED. */
  public HealthPolicy withLatencyThreshold(Duration latencyThreshold) {
    return new HealthPolicy(timeout, memoryThreshold, latencyThreshold);
  }
}
