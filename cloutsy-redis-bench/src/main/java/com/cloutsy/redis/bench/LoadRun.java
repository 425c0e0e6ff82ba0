package com.cloutsy.redis.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/*
 * A closed loop of in-flight callers: each starts its next operation when the previous one completes, from the
 * thread that completed it, so N callers keep exactly N operations in flight on the one connection and no thread
 * pool of the harness's own sits between the client and the measurement. Latency is recorded in nanoseconds into
 * an HdrHistogram Recorder (safe for concurrent writers); the measured phase counts only operations that complete
 * inside it.
 */
final class LoadRun {

  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private final Supplier<CompletableFuture<?>> operation;
  private final Recorder recorder = new Recorder(3);
  private final LongAdder completed = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final AtomicLong started = new AtomicLong();
  private volatile long budget = Long.MAX_VALUE;
  private volatile boolean stopping;
  private final CountDownLatch drained;

  private LoadRun(Supplier<CompletableFuture<?>> operation, int callers) {
    this.operation = operation;
    this.drained = new CountDownLatch(callers);
  }

  /** The result of a measured phase. */
  record Measurement(long operations, long failures, Duration elapsed, Histogram latencyNanos) {

    double opsPerSecond() {
      return operations * 1e9 / elapsed.toNanos();
    }

    /** The measurements of several slices as one: operations and time added, latencies merged. */
    static Measurement merge(List<Measurement> slices) {
      Histogram latency = new Histogram(3);
      long operations = 0;
      long failures = 0;
      Duration elapsed = Duration.ZERO;
      for (Measurement slice : slices) {
        operations += slice.operations;
        failures += slice.failures;
        elapsed = elapsed.plus(slice.elapsed);
        latency.add(slice.latencyNanos);
      }
      return new Measurement(operations, failures, elapsed, latency);
    }
  }

  /** Runs {@code callers} callers for a warm-up, then measures for {@code measured}; the phases bound the time. */
  static Measurement timed(Scenario scenario, int callers, Duration warmUp, Duration measured) {
    LoadRun run = new LoadRun(() -> scenario.call().toCompletableFuture(), callers);
    run.start(callers);
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
    run.stop();
    return new Measurement(operations, failures, elapsed, latency);
  }

  /** Runs exactly {@code operations} operations with {@code callers} in flight and waits for all of them. */
  static Measurement counted(Scenario scenario, int callers, long operations) {
    LoadRun run = new LoadRun(() -> scenario.call().toCompletableFuture(), callers);
    run.budget = operations;
    long from = System.nanoTime();
    run.start(callers);
    run.await();
    return new Measurement(run.completed.sum(), run.failed.sum(), Duration.ofNanos(System.nanoTime() - from),
        run.recorder.getIntervalHistogram());
  }

  private void start(int callers) {
    for (int i = 0; i < callers; i++) {
      drive();
    }
  }

  private void drive() {
    while (!stopping && started.incrementAndGet() <= budget) {
      long begin = System.nanoTime();
      CompletableFuture<?> next;
      try {
        next = operation.get();
      } catch (RuntimeException refused) {
        failed.increment();
        continue;
      }
      if (!next.isDone()) {
        next.whenComplete((result, failure) -> {
          record(begin, failure);
          drive();
        });
        return;
      }
      record(begin, next.isCompletedExceptionally() ? new IllegalStateException("failed at once") : null);
    }
    drained.countDown();
  }

  private void record(long begin, @Nullable Throwable failure) {
    if (failure != null) {
      failed.increment();
      return;
    }
    recorder.recordValue(System.nanoTime() - begin);
    completed.increment();
  }

  private void stop() {
    stopping = true;
    await();
  }

  private void await() {
    try {
      if (!drained.await(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("callers still in flight " + DRAIN_TIMEOUT.toSeconds() + " s after the end");
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the callers", interrupted);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", interrupted);
    }
  }
}
