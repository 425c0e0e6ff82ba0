package com.cloutsy.redis.resilience;

import com.cloutsy.redis.RedisUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Every call the load made, timed, with its result, and every invariant violation seen, counted with a few examples.
 * Thread-safe; the load's workers share one ledger.
 */
final class Ledger {

  /** How a call ended. */
  enum Result { OK, UNAVAILABLE, ERROR }

  /**
   * One call.
   *
   * @param operation what was called, e.g. {@code session.get}
   * @param start nanoTime when it was called
   * @param end nanoTime when it returned or threw
   * @param result how it ended
   * @param granted whether it reported a grant: a valid session, an allowed request, an issued or verified code
   * @param failClosed whether the capability must throw rather than answer while Redis cannot be asked
   * @param subject what it was called on where a check needs it (a cache key), else null
   */
  record Call(String operation, long start, long end, Result result, boolean granted, boolean failClosed,
      @Nullable String subject) {
    long nanos() {
      return end - start;
    }
  }

  /**
   * Redis 6.2 refuses a script's first write when memory is full and reports it as a script error wrapping the OOM
   * reply, which the library does not recognize as "unavailable" (see MemoryPressureTest); counted apart from the
   * other unexpected exceptions so the report can name it.
   */
  static final String SCRIPT_OOM = "OOM inside a script surfaced as a script error";

  private static final int EXAMPLES = 3;

  private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
  private final Map<String, LongAdder> violations = new ConcurrentHashMap<>();
  private final Map<String, List<String>> examples = new ConcurrentHashMap<>();

  /**
   * Runs and records one call. A {@link RedisUnavailableException} is an expected outcome under faults; any other
   * exception is recorded as an unexpected error, with the call and exception as an example.
   *
   * @return the call's value, or null if it threw
   */
  <T> @Nullable T call(String operation, boolean failClosed, Supplier<T> call, Predicate<? super T> granted) {
    return call(operation, null, failClosed, call, granted);
  }

  /** {@link #call(String, boolean, Supplier, Predicate)} on {@code subject}, which the call's record keeps. */
  <T> @Nullable T call(String operation, @Nullable String subject, boolean failClosed, Supplier<T> call,
      Predicate<? super T> granted) {
    long start = System.nanoTime();
    try {
      T value = call.get();
      calls.add(new Call(operation, start, System.nanoTime(), Result.OK, granted.test(value), failClosed,
          subject));
      return value;
    } catch (RedisUnavailableException expected) {
      calls.add(new Call(operation, start, System.nanoTime(), Result.UNAVAILABLE, false, failClosed, subject));
      return null;
    } catch (RuntimeException unexpected) {
      calls.add(new Call(operation, start, System.nanoTime(), Result.ERROR, false, failClosed, subject));
      violation(isScriptOutOfMemory(unexpected) ? SCRIPT_OOM : "unexpected exception",
          operation + " threw " + unexpected);
      return null;
    }
  }

  static boolean isScriptOutOfMemory(Throwable error) {
    String message = String.valueOf(error.getMessage());
    return message.startsWith("ERR Error running script") && message.contains("-OOM ");
  }

  /** Counts one violation of {@code invariant}, keeping the first few examples. */
  void violation(String invariant, String example) {
    violations.computeIfAbsent(invariant, name -> new LongAdder()).increment();
    List<String> kept = examples.computeIfAbsent(invariant, name -> new ArrayList<>());
    synchronized (kept) {
      if (kept.size() < EXAMPLES) {
        kept.add(example);
      }
    }
  }

  long violations(String invariant) {
    LongAdder count = violations.get(invariant);
    return count == null ? 0 : count.sum();
  }

  /** Every invariant with at least one violation, by name, with its count. */
  Map<String, Long> allViolations() {
    Map<String, Long> all = new TreeMap<>();
    violations.forEach((name, count) -> all.put(name, count.sum()));
    return all;
  }

  /** The first few examples of each violated invariant, for the failure message and the report. */
  String examples() {
    StringBuilder out = new StringBuilder();
    examples.forEach((name, kept) -> {
      synchronized (kept) {
        kept.forEach(example -> out.append(name).append(": ").append(example).append('\n'));
      }
    });
    return out.toString();
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  /**
   * Checks the calls against the faults: a fail-closed call that answered while Redis certainly could not be asked,
   * or any call that reported a grant then, is a violation.
   */
  void checkAgainst(Timeline timeline) {
    for (Call call : calls) {
      if (!timeline.withinOutage(call.start(), call.end())) {
        continue;
      }
      if (call.granted()) {
        violation("granted while Redis could not be asked", call.toString());
      } else if (call.failClosed() && call.result() == Result.OK) {
        violation("fail-closed call answered while Redis could not be asked", call.toString());
      }
    }
  }

  /** Summary figures of the calls recorded so far. */
  Figures figures() {
    long bound = Mode.callTimeBound().toNanos();
    long count = 0;
    long ok = 0;
    long unavailable = 0;
    long slow = 0;
    long max = 0;
    String slowest = "";
    for (Call call : calls) {
      count++;
      if (call.result() == Result.OK) {
        ok++;
      } else if (call.result() == Result.UNAVAILABLE) {
        unavailable++;
      }
      if (call.nanos() > bound) {
        slow++;
      }
      if (call.nanos() > max) {
        max = call.nanos();
        slowest = call.operation();
      }
    }
    return new Figures(count, ok, unavailable, slow, Duration.ofNanos(max), slowest);
  }

  /**
   * What the calls add up to.
   *
   * @param calls how many calls were made
   * @param ok how many returned
   * @param unavailable how many threw RedisUnavailableException
   * @param slow how many took longer than {@link Mode#callTimeBound()}
   * @param maxCallTime the longest call
   * @param slowestOperation which operation that was
   */
  record Figures(long calls, long ok, long unavailable, long slow, Duration maxCallTime, String slowestOperation) {}
}
