package com.cloutsy.redis.cache;

import com.cloutsy.redis.ServerError;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The work of one blocking call, run on the thread that waits for it: a blocking read is the asynchronous one with
 * this as its executor, so its loader, decoding and encoding run on the caller's thread, never on a Lettuce I/O
 * thread or the cache's executor.
 *
 * <p>Every Redis command of the call is bounded by the command timeout Lettuce applies to it. The wait for storing
 * a loaded value is bounded too, by what is left of one command timeout from the call's start, of which the time
 * spent running the call's own work (the loader) does not count: a read and a store that both meet a stalled server
 * never keep the caller twice as long. The caller then has its value, and the store may still finish.
 *
 * <p>Work that arrives once the caller has its result (a store finishing late) runs on the cache's executor. The
 * wait is not interruptible, as every step of it is bounded; an interrupt is kept for the caller's code.
 */
final class CallerThread implements CacheReads.Work {

  @SuppressWarnings("UnnecessaryLambda") // a marker, recognised by identity
  private static final Runnable WAKE_UP = () -> {};

  private final LinkedBlockingQueue<Runnable> work = new LinkedBlockingQueue<>();
  private final Executor afterwards;
  private final long timeoutNanos;
  private final Runnable onStoreGivenUp;
  private final Thread caller = Thread.currentThread();
  private volatile boolean done;
  private volatile @Nullable CompletableFuture<Void> store;

  /**
   * @param afterwards where work runs that arrives after the call returned
   * @param timeoutNanos the command timeout
   * @param onStoreGivenUp what to do when the wait for a store ends before the store does
   */
  CallerThread(Executor afterwards, long timeoutNanos, Runnable onStoreGivenUp) {
    this.afterwards = afterwards;
    this.timeoutNanos = timeoutNanos;
    this.onStoreGivenUp = onStoreGivenUp;
  }

  @Override
  public void execute(Runnable task) {
    if (!done) {
      work.add(task);
      // The caller may have finished between the check and the add; then the task is moved on.
      if (!done || !work.remove(task)) {
        return;
      }
    }
    afterwards.execute(task);
  }

  @Override
  public CompletionStage<Void> awaitingStore(CompletionStage<Void> stored) {
    if (Thread.currentThread() != caller || done) {
      return stored;
    }
    CompletableFuture<Void> waited = new CompletableFuture<>();
    stored.whenComplete((ok, failure) -> waited.complete(null));
    store = waited;
    return waited;
  }

  /** A blocking call decodes on its own thread, as it loads there: a slow codec never holds a Lettuce I/O thread. */
  @Override
  public boolean decodesSmallEntriesInline() {
    return false;
  }

  /**
   * Runs the call's work on this thread until {@code result} completes; returns its value or throws its failure,
   * unwrapped.
   */
  <T> T await(CompletionStage<T> result) {
    CompletableFuture<T> outcome = result.toCompletableFuture();
    if (!outcome.isDone()) {
      // A hit answered from memory is done already: no wake-up to arrange.
      CompletableFuture<T> unused = outcome.whenComplete((value, failure) -> work.add(WAKE_UP));
    }
    boolean interrupted = false;
    long deadline = System.nanoTime() + timeoutNanos;
    try {
      while (!outcome.isDone()) {
        try {
          Runnable task = next(deadline);
          if (task != null) {
            long started = System.nanoTime();
            task.run();
            deadline += System.nanoTime() - started;
          }
        } catch (InterruptedException interrupt) {
          interrupted = true;
        }
      }
    } finally {
      done = true;
      for (Runnable late = work.poll(); late != null; late = work.poll()) {
        if (late != WAKE_UP) {
          afterwards.execute(late);
        }
      }
      if (interrupted) {
        caller.interrupt();
      }
    }
    return joined(outcome);
  }

  /** The next piece of work; null once the wait for a store is over, which then ends. */
  private @Nullable Runnable next(long deadline) throws InterruptedException {
    CompletableFuture<Void> storing = store;
    if (storing == null || storing.isDone()) {
      return work.take();
    }
    Runnable task = work.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    if (task == null && !storing.isDone()) {
      store = null;
      onStoreGivenUp.run();
      storing.complete(null);
    }
    return task;
  }

  private static <T> T joined(CompletableFuture<T> outcome) {
    try {
      return outcome.join();
    } catch (CompletionException failed) {
      Throwable cause = ServerError.unwrap(failed);
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw failed;
    }
  }
}
