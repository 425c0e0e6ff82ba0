package com.cloutsy.redis.health;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of the {@link Diagnostics} that walk the keyspace, so running them against a busy production server is safe.
 *
 * @param scanCount the {@code COUNT} hint of each SCAN: about how many keys the server looks at per call (each call
 *     is short, so other clients' commands run between calls)
 * @param sampleLimit how many keys {@link Diagnostics#keyspaceSummary()} examines at most
 * @param timeLimit how long {@link Diagnostics#bigKeys} and {@link Diagnostics#keyspaceSummary} run at most; they
 *     stop after the batch that crosses it and say so in their result
 */
public record DiagnosticsPolicy(int scanCount, int sampleLimit, Duration timeLimit) {

  /** Checks the values. */
  public DiagnosticsPolicy {
    if (scanCount < 1 || scanCount > 100_000) {
      throw new IllegalArgumentException("scanCount must be 1-100000, was " + scanCount);
    }
    Diagnostics.checkSampleLimit(sampleLimit);
    Objects.requireNonNull(timeLimit, "timeLimit must not be null");
    if (timeLimit.isNegative() || timeLimit.isZero()) {
      throw new IllegalArgumentException("timeLimit must be > 0, was " + timeLimit);
    }
  }

  /** SCAN COUNT 500, at most 10,000 keys sampled and 10 seconds per walk. */
  public static DiagnosticsPolicy defaults() {
    return new DiagnosticsPolicy(500, 10_000, Duration.ofSeconds(10));
  }

  /** A copy with another SCAN COUNT hint. */
  public DiagnosticsPolicy withScanCount(int scanCount) {
    return new DiagnosticsPolicy(scanCount, sampleLimit, timeLimit);
  }

  /** A copy with another default sample limit. */
  public DiagnosticsPolicy withSampleLimit(int sampleLimit) {
    return new DiagnosticsPolicy(scanCount, sampleLimit, timeLimit);
  }

  /** A copy with another time limit per walk. */
  public DiagnosticsPolicy withTimeLimit(Duration timeLimit) {
    return new DiagnosticsPolicy(scanCount, sampleLimit, timeLimit);
  }
}
