package com.cloutsy.redis.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How many replicas must confirm a write before a capability reports it done: Redis {@code WAIT <replicas>
 * <timeout>} sent after the write ({@code REDIS_WAIT_REPLICAS}, {@code REDIS_WAIT_TIMEOUT_MS}).
 *
 * <p>Redis replicates asynchronously: a master that acknowledged a write and then died before its replica received it
 * loses the write when the replica is promoted. WAIT closes most of that window for the writes that use it, at the cost
 * of one more round trip that lasts until the replicas confirm (usually well under a millisecond on a LAN). It does
 * not make Redis strongly consistent: a partition can still promote a replica that missed a confirmed write.
 *
 * @param replicas how many replicas must confirm; 0 turns WAIT off
 * @param timeout how long WAIT may block; a write that is not confirmed by then is reported as failed (it is on the
 *     master and may or may not survive a failover)
 */
public record Durability(int replicas, Duration timeout) {

  /** No WAIT: writes are done when the master has them, as Redis does by default. */
  public static final Durability NONE = new Durability(0, Duration.ofMillis(500));

  /** Checks the values; messages name the environment variables. */
  public Durability {
    Objects.requireNonNull(timeout, "timeout");
    if (replicas < 0) {
      throw new InvalidSettingException("REDIS_WAIT_REPLICAS", "REDIS_WAIT_REPLICAS must be >= 0, was " + replicas);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new InvalidSettingException("REDIS_WAIT_TIMEOUT_MS",
          "REDIS_WAIT_TIMEOUT_MS must be > 0, was " + timeout.toMillis());
    }
  }

  /** WAIT for {@code replicas} replicas, at most {@code timeout}. */
  public static Durability waitFor(int replicas, Duration timeout) {
    return new Durability(replicas, timeout);
  }

  /** Whether writes wait for replicas. */
  public boolean isEnabled() {
    return replicas > 0;
  }
}
