package com.cloutsy.redis.health;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The result of {@link Diagnostics#bigKeys}: per Redis type, how many keys and bytes were seen and the biggest key,
 * by {@code MEMORY USAGE} (the seed's {@code redis-cli --bigkeys}, measured in bytes like {@code --memkeys}).
 *
 * @param types one entry per type seen ({@code string}, {@code hash}, {@code set}, ...), most bytes first
 * @param keysSampled how many keys were measured
 * @param end whether the walk saw the whole keyspace or stopped at a limit
 * @param took how long the walk took
 */
public record BigKeys(List<TypeUsage> types, long keysSampled, ScanEnd end, Duration took) {

  /** Copies the list. */
  public BigKeys {
    types = List.copyOf(types);
  }

  /** The biggest key of all types, if any key was seen. */
  public Optional<BigKey> biggest() {
    return types.stream().map(TypeUsage::biggest).max(Comparator.comparingLong(BigKey::bytes));
  }

  /** The entry for {@code type}, if a key of that type was seen. */
  public Optional<TypeUsage> type(String type) {
    return types.stream().filter(usage -> usage.type().equals(type)).findFirst();
  }

  /**
   * Keys of one type.
   *
   * @param type the Redis type, as {@code TYPE} names it
   * @param keys keys of this type seen
   * @param bytes their {@code MEMORY USAGE}, summed
   * @param biggest the one with the largest {@code MEMORY USAGE}
   */
  public record TypeUsage(String type, long keys, long bytes, BigKey biggest) {}

  /**
   * One key and its size.
   *
   * @param key the full key name, prefix included, as Redis stores it
   * @param type the Redis type
   * @param bytes its {@code MEMORY USAGE}: value, key and overhead, estimated by sampling for large aggregates
   */
  public record BigKey(String key, String type, long bytes) {}
}
