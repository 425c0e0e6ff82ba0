package com.cloutsy.redis;

/**
 * Redis could not be asked: not connected, the command timed out, the server is loading, read-only after a
 * failover, or out of memory. The cause is Lettuce's exception. Refused credentials or rights are not an outage but
 * a {@link RedisMisconfigurationException}.
 *
 * <p>A write that failed this way has an unknown outcome: a command that timed out is not cancelled and may
 * still run on the server. Features that must not guess (sessions, OTP, login protection) fail closed on it.
 */
public class RedisUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what could not be done and where; never a password or a key
   * @param cause Lettuce's exception
   */
  public RedisUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
