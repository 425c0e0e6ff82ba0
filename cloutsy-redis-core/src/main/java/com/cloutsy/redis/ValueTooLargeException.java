package com.cloutsy.redis;

/**
 * A value above {@code REDIS_MAX_VALUE_BYTES} was refused before anything was sent, so nothing was written. A
 * misuse like any other {@code IllegalArgumentException}; its own type lets the cache serve a loaded value it will
 * not store.
 */
public final class ValueTooLargeException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what the value was, its size and the limit; never the value
   */
  public ValueTooLargeException(String message) {
    super(message);
  }
}
