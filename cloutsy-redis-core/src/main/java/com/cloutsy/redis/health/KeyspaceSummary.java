package com.cloutsy.redis.health;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The result of {@link Diagnostics#keyspaceSummary}: key count and memory per namespace, the first segment of the
 * key after the service's prefix ({@code session}, {@code sessions}, {@code otp}, {@code cache}, ...).
 *
 * @param namespaces one entry per namespace seen, most bytes first
 * @param keysSampled how many keys were examined
 * @param databaseSize {@code DBSIZE}: every key of the database, also other applications' under other prefixes
 * @param end whether the walk saw the whole keyspace or stopped at a limit; after a limit, the counts are of a sample
 *     (SCAN order is arbitrary, so the sample is spread over the keyspace)
 * @param took how long the walk took
 */
public record KeyspaceSummary(List<Namespace> namespaces, long keysSampled, long databaseSize, ScanEnd end,
    Duration took) {

  /** The namespace of keys without a {@code :} after the prefix. */
  public static final String NO_NAMESPACE = "(none)";

  /**
   * Where keys go once {@link #MAX_NAMESPACES} distinct namespaces were seen, so a bad key design cannot exhaust
   * memory.
   */
  public static final String OTHER_NAMESPACES = "(other)";

  /** The most distinct namespaces counted separately. */
  public static final int MAX_NAMESPACES = 1_000;

  /** Copies the list. */
  public KeyspaceSummary {
    namespaces = List.copyOf(namespaces);
  }

  /** The entry for {@code namespace}, if any key of it was seen. */
  public Optional<Namespace> namespace(String namespace) {
    return namespaces.stream().filter(usage -> usage.namespace().equals(namespace)).findFirst();
  }

  /**
   * Keys of one namespace.
   *
   * @param namespace the first segment after the prefix, {@link #NO_NAMESPACE} or {@link #OTHER_NAMESPACES}
   * @param keys keys seen
   * @param bytes their {@code MEMORY USAGE}, summed
   */
  public record Namespace(String namespace, long keys, long bytes) {}
}
