package com.cloutsy.redis.health;

import java.time.Duration;

/** What {@code PTTL} says about a key: it does not exist, it never expires, or it expires in some time. */
public sealed interface KeyTtl {

  /** The key does not exist (or expired just now). */
  record NoKey() implements KeyTtl {}

  /** The key exists and has no expiry: it stays until deleted or evicted. */
  record NoExpiry() implements KeyTtl {}

  /**
   * The key expires in {@code remaining}, millisecond precision.
   *
   * @param remaining time left, positive
   */
  record ExpiresIn(Duration remaining) implements KeyTtl {}

  /** The value for a {@code PTTL} reply: -2 no key, -1 no expiry, else milliseconds left. */
  static KeyTtl fromPttl(long millis) {
    if (millis == -2) {
      return new NoKey();
    }
    return millis == -1 ? new NoExpiry() : new ExpiresIn(Duration.ofMillis(millis));
  }
}
