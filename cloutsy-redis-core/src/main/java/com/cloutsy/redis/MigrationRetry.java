package com.cloutsy.redis;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/*
 * Design notes. While Redis Cluster migrates a slot, Lettuce follows MOVED and ASK itself (and refreshes its topology
 * on them), but a multi-key command or script whose keys are split between the migrating and the importing node gets
 * TRYAGAIN: the server did not run it, and will once the remaining keys have moved, which takes a MIGRATE batch or
 * two. So such a reply, and a MOVED or ASK left over when Lettuce's redirect limit ran out, is sent again here after
 * a short pause that doubles up to a cap. Sending it again is safe for writes too, because these replies come before
 * the command runs. Every retry happens within the command timeout, counted from the first send, and a retried
 * attempt may only take what is left of it, so a caller waits no longer than for one command.
 */
final class MigrationRetry {

  /** Pause before the first resend: about one MIGRATE batch of a few keys on a local network. */
  static final Duration FIRST_PAUSE = Duration.ofMillis(2);
  /** Pauses double up to this, so a long migration is polled every few tens of milliseconds, not hammered. */
  static final Duration MAX_PAUSE = Duration.ofMillis(50);

  private final Duration budget;
  private final boolean cluster;

  /**
   * Retries within {@code budget}, the command timeout, on a cluster; elsewhere no slot ever moves, so every call is
   * sent once with nothing added to it.
   */
  MigrationRetry(Duration budget, boolean cluster) {
    this.budget = budget;
    this.cluster = cluster;
  }

  /** Sends {@code command}, and again as described above while its failure says that the slot is moving. */
  <T> CompletionStage<T> send(Supplier<? extends CompletionStage<T>> command) {
    return cluster ? attempt(command, FIRST_PAUSE.toNanos(), System.nanoTime() + budget.toNanos()) : sent(command);
  }

  private <T> CompletionStage<T> attempt(Supplier<? extends CompletionStage<T>> command, long pause, long deadline) {
    return sent(command).exceptionallyCompose(failure -> {
      if (!isSlotMoving(failure) || deadline - System.nanoTime() - pause <= 0) {
        return CompletableFuture.failedStage(failure);
      }
      Executor later = CompletableFuture.delayedExecutor(pause, TimeUnit.NANOSECONDS, Runnable::run);
      long next = Math.min(pause * 2, MAX_PAUSE.toNanos());
      return CompletableFuture.supplyAsync(() -> within(attempt(command, next, deadline), deadline), later)
          .thenCompose(retried -> retried);
    });
  }

  /** The command's stage; a command Lettuce refuses at once becomes a failed stage. */
  private static <T> CompletionStage<T> sent(Supplier<? extends CompletionStage<T>> command) {
    try {
      return command.get();
    } catch (RedisException refused) {
      return CompletableFuture.failedStage(refused);
    }
  }

  /** The retried stage, failing as a command timeout when it would outlast the first send's command timeout. */
  private static <T> CompletionStage<T> within(CompletionStage<T> retried, long deadline) {
    return retried.toCompletableFuture().copy()
        .orTimeout(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
        .exceptionallyCompose(failure -> CompletableFuture.failedStage(failure instanceof TimeoutException
            ? new RedisCommandTimeoutException("Command timed out while its slot was being migrated")
            : failure));
  }

  /** Whether the server refused to run the command because its slot is moving, also after the failure mapping. */
  private static boolean isSlotMoving(Throwable failure) {
    Throwable error = ServerError.unwrap(failure);
    if (error instanceof RedisUnavailableException mapped && mapped.getCause() != null) {
      error = ServerError.unwrap(mapped.getCause());
    }
    return ServerError.of(error).map(ServerError::meaning).filter(ServerError.Meaning.RETRY::equals).isPresent();
  }
}
