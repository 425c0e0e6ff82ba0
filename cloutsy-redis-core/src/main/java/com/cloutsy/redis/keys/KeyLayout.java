package com.cloutsy.redis.keys;

import java.util.Objects;

/**
 * How {@link Keys} names keys: the seed service's names, or the same names with the owning id as a Redis Cluster
 * hash tag.
 */
public enum KeyLayout {
  /**
   * The NestJS seed service's names, byte for byte for ids made of safe characters ({@code session:42:abc}), so a
   * Java and a NestJS service can share sessions and counters during a migration. Single-node and Sentinel only:
   * the keys of one user may land in different cluster slots, which a multi-key script cannot touch.
   */
  SEED,

  /**
   * The seed names with the owning user id, phone or login identifier wrapped in a hash tag
   * ({@code session:{42}:abc}), so every key of one owner lands in one slot and one script can touch them all.
   * Not readable by the seed service.
   */
  CLUSTER;

  /**
   * Returns the layout named {@code value}, ignoring case: {@code "seed"} or {@code "cluster"}.
   *
   * @throws IllegalArgumentException if {@code value} names neither; the message quotes it and the accepted names
   * @throws NullPointerException if {@code value} is null
   */
  public static KeyLayout parse(String value) {
    Objects.requireNonNull(value, "key layout must not be null");
    for (KeyLayout layout : values()) {
      // equalsIgnoreCase is locale-independent, unlike toUpperCase() without a Locale.
      if (layout.name().equalsIgnoreCase(value)) {
        return layout;
      }
    }
    throw new IllegalArgumentException("key layout must be \"seed\" or \"cluster\", was \"" + value + "\"");
  }
}
