package com.cloutsy.redis.bench;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * One thing to measure: an asynchronous operation that the harness calls over and over from many in-flight
 * callers. Scenarios of one {@link #group()} form one table and are compared to the group's baseline.
 *
 * <p>Implementations must be thread-safe: {@link #call()} runs concurrently, often on the client's I/O thread, so
 * it must not block.
 */
interface Scenario extends AutoCloseable {

  /** The table this scenario belongs to, e.g. {@code Rate-limit decision, one hot key}. */
  String group();

  /** Its row name, e.g. {@code cloutsy GCRA}. */
  String name();

  /** Whether the other scenarios of the group are reported as a ratio to this one; one per group. */
  boolean baseline();

  /** Starts one operation; the harness measures until the stage completes. */
  CompletionStage<?> call();

  /** The keys it writes, to delete them after the run. */
  List<String> keys();

  /**
   * Writes one key the way its operation does, in a state that lives long enough to be measured, and returns its
   * name for {@code MEMORY USAGE}; null when the scenario keeps nothing in Redis.
   */
  @Nullable String writeSampleKey();

  /**
   * Whether it sends its commands through the harness's shared Lettuce client, whose sent commands the harness
   * counts to report round trips per operation. A peer with a client of its own reports none.
   */
  default boolean usesSharedClient() {
    return true;
  }

  @Override
  default void close() {}
}
