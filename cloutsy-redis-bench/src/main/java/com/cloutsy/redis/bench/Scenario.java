package com.cloutsy.redis.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One thing to measure: an operation the harness repeats from 1, 16 and 64 callers. Scenarios of one {@link #group}
 * form one table; each row of this project's is divided by each reference of the group, round by round.
 *
 * @param group the table, e.g. {@code Rate-limit decision, one hot key}
 * @param name the row, e.g. {@code cloutsy GCRA}
 * @param role whether it is a row with ratios, a reference the rows are divided by, or both
 * @param load how the harness drives it
 * @param how one line for the report: the client, its connections and how callers are driven
 * @param memory how to measure what it keeps in Redis, or null when it keeps nothing of interest
 */
record Scenario(String group, String name, Role role, Load load, String how, @Nullable Memory memory) {

  /** Which side of the ratios a scenario is on. */
  enum Role {
    /** This project: a row, divided by every reference of the group. */
    OURS,
    /** This project, and a reference for its other rows (a Redis hit, for the near cache). */
    OURS_AND_REFERENCE,
    /** Another library, or the seed's own pattern. */
    PEER,
    /** What the server allows: raw EVALSHA, redis-benchmark. */
    CEILING;

    boolean isRow() {
      return this == OURS || this == OURS_AND_REFERENCE;
    }

    boolean isReference() {
      return this != OURS;
    }
  }

  /** How the harness drives a scenario's callers. */
  sealed interface Load {

    /**
     * In-flight asynchronous operations: each caller starts its next operation from the thread that completed the
     * previous one. The operation must not block and should complete on another thread (an I/O thread): one that
     * always completes at once would keep the starting thread for the whole phase.
     */
    record Async(Supplier<CompletionStage<?>> operation) implements Load {}

    /** Blocking operations, one platform thread per caller. */
    record Blocking(Runnable operation) implements Load {}

    /** A program outside this JVM that measures itself, such as redis-benchmark. */
    record External(ExternalRun run) implements Load {}
  }

  /** Runs an external measurement at a number of connections for about the given time. */
  @FunctionalInterface
  interface ExternalRun {
    LoadRun.Measurement measure(int callers, Duration about);
  }

  /**
   * Bytes a scenario keeps in Redis per {@code unit}: {@code write} puts entities into Redis as the operation does
   * (after {@code steps.get(i)} operations) and names the keys they occupy, and their {@code MEMORY USAGE} is divided
   * by the number of entities.
   *
   * @param unit what one entity is: {@code limiter}, {@code session}, {@code entry}, {@code phone}
   * @param stepsLabel what the steps mean, e.g. {@code after 1 / 100 decisions}; empty for a single step
   * @param steps how many operations each measured state has seen
   * @param write writes one state and returns its keys and how many entities they hold
   */
  record Memory(String unit, String stepsLabel, List<Integer> steps, IntFunction<Sample> write) {

    static Memory of(String unit, IntFunction<Sample> write) {
      return new Memory(unit, "", List.of(1), write);
    }
  }

  /** Keys written for a memory measurement, and how many entities they hold. */
  record Sample(List<String> written, int entities) {}
}
