package com.cloutsy.redis.codec;

import org.jspecify.annotations.Nullable;

/** A value could not be encoded, or stored bytes could not be decoded as the requested type. */
public class CodecException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what could not be converted, without the value itself (it may be personal data)
   * @param cause the codec's own exception, or null when it gave none
   */
  public CodecException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates the exception for bytes that are malformed in themselves, with no codec exception behind it.
   *
   * @param message what is wrong with the bytes, without the bytes themselves
   */
  public CodecException(String message) {
    super(message);
  }
}
