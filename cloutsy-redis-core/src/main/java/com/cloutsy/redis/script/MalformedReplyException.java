package com.cloutsy.redis.script;

/**
 * A script answered something else than its header promises: a bug in the script or in the code that reads its
 * reply, never a Redis outage. The message names the script, the position and what was there, never a value.
 */
public class MalformedReplyException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which script replied what where
   */
  public MalformedReplyException(String message) {
    super(message);
  }
}
