package com.cloutsy.redis.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/*
 * A closed loop of callers, in one of two shapes.
 * - Asynchronous: each caller starts its next operation when the previous one completes, from the thread that
 *   completed it, so N callers keep exactly N operations in flight and no thread pool of the harness's own sits
 *   between the client and the measurement.
 * - Blocking: N platform threads, each calling the operation in a loop.
 * Latency is recorded in nanoseconds into an HdrHistogram Recorder (safe for concurrent writers). Throughput counts
 * only operations that complete inside the measured phase; latency also includes those still in flight at its end,
 * recorded as they drain. Every run is bounded: by time (timed) or by count (counted), and
 * the callers must drain within DRAIN_TIMEOUT after it.
 */
final class LoadRun {

  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /** CPU time of blocking callers that have ended, which a sum over the live threads no longer sees. */
  private static final LongAdder ENDED_CALLERS_CPU = new LongAdder();

  private final Scenario.Load load;
  private final int callers;
  private final Recorder recorder = new Recorder(3);
  private final LongAdder completed = new LongAdder();
  private final LongAdder completedInAllPhases = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final AtomicLong started = new AtomicLong();
  private final AtomicReference<@Nullable Throwable> firstFailure = new AtomicReference<>();
  private final CountDownLatch drained;
  private final List<Thread> threads = new ArrayList<>();
  private volatile long budget = Long.MAX_VALUE;
  private volatile boolean stopping;

  private LoadRun(Scenario.Load load, int callers) {
    this.load = load;
    this.callers = callers;
    this.drained = new CountDownLatch(callers);
  }

  /**
   * The result of a measured phase.
   *
   * @param operations operations completed within the measured phase
   * @param failures operations that failed within it
   * @param elapsed its length
   * @param latencyNanos the latency of each operation completed in the phase or in flight at its end
   * @param allOperations operations completed from the start of the warm-up to the end of the drain, to divide the
   *     server's commands over the same span by
   * @param firstFailure the first failure seen, to report
   */
  record Measurement(long operations, long failures, Duration elapsed, Histogram latencyNanos, long allOperations,
      @Nullable Throwable firstFailure) {

    double opsPerSecond() {
      return operations * 1e9 / elapsed.toNanos();
    }

    double micros(double percentile) {
      return latencyNanos.getValueAtPercentile(percentile) / 1_000.0;
    }

    /** The measurements of several slices as one: operations and time added, latencies merged. */
    static Measurement merge(List<Measurement> slices) {
      Histogram latency = new Histogram(3);
      long operations = 0;
      long failures = 0;
      long all = 0;
      Throwable failure = null;
      Duration elapsed = Duration.ZERO;
      for (Measurement slice : slices) {
        operations += slice.operations;
        failures += slice.failures;
        all += slice.allOperations;
        elapsed = elapsed.plus(slice.elapsed);
        latency.add(slice.latencyNanos);
        failure = failure != null ? failure : slice.firstFailure;
      }
      return new Measurement(operations, failures, elapsed, latency, all, failure);
    }
  }

  /** Runs {@code callers} callers for a warm-up, then measures for {@code measured}; the phases bound the time. */
  static Measurement timed(Scenario.Load load, int callers, Duration warmUp, Duration measured) {
    LoadRun run = new LoadRun(load, callers);
    run.start();
    sleep(warmUp);
    run.recorder.reset();
    run.completed.reset();
    run.failed.reset();
    long from = System.nanoTime();
    sleep(measured);
    Histogram latency = run.recorder.getIntervalHistogram();
    long operations = run.completed.sum();
    long failures = run.failed.sum();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - from);
    run.stopping = true;
    run.await();
    // Operations in flight at the end still count for latency: leaving them out would hide exactly the slow ones,
    // such as compare-and-swap retries that starve under contention.
    latency.add(run.recorder.getIntervalHistogram());
    return new Measurement(operations, failures, elapsed, latency, run.completedInAllPhases.sum(),
        run.firstFailure.get());
  }

  /** Runs exactly {@code operations} operations with {@code callers} in flight and waits for all of them. */
  static Measurement counted(Scenario.Load load, int callers, long operations) {
    LoadRun run = new LoadRun(load, callers);
    run.budget = operations;
    long from = System.nanoTime();
    run.start();
    run.await();
    // The callers' CPU time is added to ENDED_CALLERS_CPU as each ends; once joined, none is counted twice.
    run.join();
    return new Measurement(run.completed.sum(), run.failed.sum(), Duration.ofNanos(System.nanoTime() - from),
        run.recorder.getIntervalHistogram(), run.completedInAllPhases.sum(), run.firstFailure.get());
  }

  private void start() {
    if (load instanceof Scenario.Load.Async async) {
      for (int i = 0; i < callers; i++) {
        drive(async.operation());
      }
    } else if (load instanceof Scenario.Load.Blocking blocking) {
      for (int i = 0; i < callers; i++) {
        Thread thread = new Thread(() -> loop(blocking.operation()), "bench-caller-" + i);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
      }
    } else {
      throw new IllegalArgumentException("an external load measures itself: " + load);
    }
  }

  private void drive(Supplier<CompletionStage<?>> operation) {
    while (!stopping && started.incrementAndGet() <= budget) {
      long begin = System.nanoTime();
      CompletableFuture<?> next;
      try {
        next = operation.get().toCompletableFuture();
      } catch (RuntimeException refused) {
        record(begin, refused);
        continue;
      }
      if (!next.isDone()) {
        // record counts the failure; the dependent stage has nothing more to say.
        CompletableFuture<?> unused = next.whenComplete((result, failure) -> {
          record(begin, failure);
          drive(operation);
        });
        return;
      }
      Throwable failure = null;
      if (next.isCompletedExceptionally()) {
        try {
          next.join();
        } catch (RuntimeException thrown) {
          failure = thrown;
        }
      }
      record(begin, failure);
    }
    drained.countDown();
  }

  private void loop(Runnable operation) {
    while (!stopping && started.incrementAndGet() <= budget) {
      long begin = System.nanoTime();
      Throwable failure = null;
      try {
        operation.run();
      } catch (RuntimeException thrown) {
        failure = thrown;
      }
      record(begin, failure);
    }
    ENDED_CALLERS_CPU.add(THREADS.getCurrentThreadCpuTime());
    drained.countDown();
  }

  /**
   * CPU time this JVM has used, in nanoseconds, with the precision of each thread's clock: the live threads (the
   * clients' I/O threads, GC, the JIT) plus the blocking callers that have ended. The process's own counter ticks in
   * 10 ms steps, too coarse for a few thousand operations.
   */
  static long cpuNanos() {
    long total = ENDED_CALLERS_CPU.sum();
    for (long id : THREADS.getAllThreadIds()) {
      long cpu = THREADS.getThreadCpuTime(id);
      if (cpu > 0) {
        total += cpu;
      }
    }
    return total;
  }

  private void join() {
    for (Thread thread : threads) {
      try {
        thread.join(DRAIN_TIMEOUT.toMillis());
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the callers to end", interrupted);
      }
    }
  }

  private void record(long begin, @Nullable Throwable failure) {
    if (failure != null) {
      failed.increment();
      firstFailure.compareAndSet(null, failure);
      return;
    }
    recorder.recordValue(System.nanoTime() - begin);
    completed.increment();
    completedInAllPhases.increment();
  }

  private void await() {
    try {
      if (!drained.await(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        stopping = true;
        threads.forEach(Thread::interrupt);
        throw new IllegalStateException("callers still in flight " + DRAIN_TIMEOUT.toSeconds() + " s after the end");
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the callers", interrupted);
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", interrupted);
    }
  }
}
