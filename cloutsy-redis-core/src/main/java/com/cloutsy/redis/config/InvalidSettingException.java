package com.cloutsy.redis.config;

/**
 * A configuration value that cannot be used. The message names the setting (its environment variable) and
 * what was expected; it never contains a password.
 */
public final class InvalidSettingException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String setting;

  /**
   * Creates the exception.
   *
   * @param setting the environment variable the value came from, e.g. {@code REDIS_PORT}
   * @param message the whole message, naming the setting and what was expected
   */
  public InvalidSettingException(String setting, String message) {
    super(message);
    this.setting = setting;
  }

  /** The environment variable the bad value came from, e.g. {@code REDIS_PORT}. */
  public String setting() {
    return setting;
  }
}
