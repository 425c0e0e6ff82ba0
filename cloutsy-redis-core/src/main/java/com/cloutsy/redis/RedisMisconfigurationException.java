package com.cloutsy.redis;

/**
 * Redis refused this service's credentials or rights: a wrong password or user name ({@code WRONGPASS},
 * {@code NOAUTH}, also when a reconnect is refused after a password change), or an ACL that does not allow a command
 * or key the service needs ({@code NOPERM}). The message names the ACL user and the server's error, never a
 * password; the cause is Lettuce's exception.
 *
 * <p>This is a configuration to fix, not an outage to wait out, so it is deliberately not a
 * {@link RedisUnavailableException}: no capability degrades on it. A fail-open rate limiter does not decide
 * locally, the cache does not fall back to its loader in silence, and sessions, OTP and login protection fail as
 * they do on an outage; health reports DOWN with the reason. Every call fails this way until the configuration or
 * the server's ACL is put right.
 */
public class RedisMisconfigurationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was refused, for which user and where; never a password or a key
   * @param cause Lettuce's exception
   */
  public RedisMisconfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
