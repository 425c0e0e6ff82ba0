package com.cloutsy.redis;

/**
 * Redis did the write, but fewer replicas than {@link com.cloutsy.redis.config.RedisSettings#durability()} asks for
 * confirmed it within the wait timeout ({@code WAIT}): it is on the master and would be lost if the master failed
 * before a replica had it. Unlike other {@link RedisUnavailableException}s the outcome on the master is known, so a
 * caller may treat it apart, for instance to say "try again shortly" while no replica is connected. What a capability
 * does about the unconfirmed write is in its Javadoc and in the message ({@code SessionStore} ends a new session it
 * could not confirm).
 */
public class UnconfirmedWriteException extends RedisUnavailableException {

  private static final long serialVersionUID = 1L;

  private final long confirmedReplicas;
  private final int requiredReplicas;

  /**
   * Creates the exception.
   *
   * @param message what was written (never a value or a secret), how many replicas confirmed it and what became of it
   * @param confirmedReplicas how many replicas confirmed the write in time
   * @param requiredReplicas how many were asked for
   * @param cause what reported the shortfall
   */
  public UnconfirmedWriteException(String message, long confirmedReplicas, int requiredReplicas, Throwable cause) {
    super(message, cause);
    this.confirmedReplicas = confirmedReplicas;
    this.requiredReplicas = requiredReplicas;
  }

  /** How many replicas confirmed the write in time, fewer than {@link #requiredReplicas()}. */
  public long confirmedReplicas() {
    return confirmedReplicas;
  }

  /** How many replicas had to confirm it ({@code REDIS_WAIT_REPLICAS}). */
  public int requiredReplicas() {
    return requiredReplicas;
  }
}
