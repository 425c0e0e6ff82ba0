package com.cloutsy.redis.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Worker threads that run a {@link Workload}'s random operations, each pausing briefly between calls so the load
 * stays at a rate a 2-core machine sustains, until {@link #close()} or a hard deadline, whichever comes first.
 */
final class Load implements AutoCloseable {

  /** Between two calls of one worker; with 6-8 workers about a thousand calls a second at most. */
  private static final long PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final List<Thread> threads = new ArrayList<>();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final LongAdder steps = new LongAdder();

  /**
   * Starts the workers.
   *
   * @param limit the longest the load may run even if nobody stops it
   */
  Load(Workload workload, int workers, Duration limit, long seed) {
    long deadline = System.nanoTime() + limit.toNanos();
    for (int i = 0; i < workers; i++) {
      Random random = new Random(seed + i);
      Thread worker = new Thread(() -> {
        while (!stopped.get() && System.nanoTime() - deadline < 0) {
          workload.step(random);
          steps.increment();
          LockSupport.parkNanos(PACE_NANOS);
        }
      }, "resilience-load-" + i);
      worker.setDaemon(true);
      threads.add(worker);
      worker.start();
    }
  }

  long steps() {
    return steps.sum();
  }

  /** Stops the workers and waits for their last calls, each bounded by the command timeout. */
  @Override
  public void close() {
    stopped.set(true);
    for (Thread thread : threads) {
      try {
        thread.join(Duration.ofSeconds(10).toMillis());
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return;
      }
      if (thread.isAlive()) {
        throw new IllegalStateException(thread.getName() + " did not stop within 10 s");
      }
    }
  }
}
