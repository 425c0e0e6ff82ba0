package com.cloutsy.redis.session;

/**
 * A stored session value cannot be interpreted: it is not a JSON object, lacks or garbles a field the seed's
 * format requires ({@code createdAt}, {@code userType}), or is encrypted and cannot be decrypted (unknown key id,
 * failed authentication). Such a session is never treated as valid.
 *
 * <p>The message names the Redis key and the problem, never the stored value (personal data) nor an encryption
 * key; the parser's own exception, which would quote the value, is not attached.
 */
public class SessionCorruptedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The Redis key of the session value. */
  private final String key;

  /**
   * Creates the exception.
   *
   * @param key the Redis key holding the value
   * @param problem what is wrong with it, without quoting it
   */
  public SessionCorruptedException(String key, String problem) {
    super("Session value at " + key + " " + problem);
    this.key = key;
  }

  /**
   * Creates the exception with the cause, which must not quote the value or a key.
   *
   * @param key the Redis key holding the value
   * @param problem what is wrong with it, without quoting it
   * @param cause a cryptographic failure, for instance
   */
  public SessionCorruptedException(String key, String problem, Throwable cause) {
    super("Session value at " + key + " " + problem, cause);
    this.key = key;
  }

  /** The Redis key of the value that could not be interpreted. */
  public String key() {
    return key;
  }
}
