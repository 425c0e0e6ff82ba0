package com.cloutsy.redis.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * A {@code cloutsy.redis.*} property (or the {@code REDIS_*} variable behind it) holds a value the starter cannot
 * use. Start-up fails with it, and the starter's failure analyzer prints its message and its action. The message names
 * the property and what was expected; it never contains a password or a key.
 */
public class RedisPropertyException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final String property;
  private final String action;

  /**
   * Creates the exception.
   *
   * @param property the property, e.g. {@code cloutsy.redis.otp.secret}
   * @param message what is wrong, naming the property
   * @param action what to do about it
   * @param cause the core library's exception, or null
   */
  public RedisPropertyException(String property, String message, String action, @Nullable Throwable cause) {
    super(message, cause);
    this.property = property;
    this.action = action;
  }

  /** The property whose value cannot be used, e.g. {@code cloutsy.redis.port}. */
  public String property() {
    return property;
  }

  /** What to do about it, for the start-up failure report. */
  public String action() {
    return action;
  }
}
