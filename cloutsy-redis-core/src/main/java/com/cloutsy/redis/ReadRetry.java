package com.cloutsy.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulConnection;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/*
 * Design notes. The seed's REDIS_MAX_RETRIES_PER_REQUEST is how many reconnections a request may wait through. The
 * connection rejects commands while it is down (no offline queue) and fails every command in flight when it drops,
 * because Lettuce's own replay cannot be limited to reads once commands are rejected. So the retry lives here, for
 * the facade's read-only calls only: a read that was sent on an open connection and failed because that connection
 * dropped waits for the next reconnect and is sent again, up to the retry count and always within the command
 * timeout. A write is never retried: its first copy may have run, and a second INCR would count twice. A read sent
 * while the connection was already down still fails at once.
 */
final class ReadRetry implements RedisConnectionStateListener {

  private final StatefulConnection<?, ?> connection;
  private final boolean anyConnection;
  private final int maxRetries;
  private final Duration budget;
  private final AtomicReference<CompletableFuture<Void>> nextReconnect =
      new AtomicReference<>(new CompletableFuture<>());

  /**
   * Retries reads of {@code connection}. A cluster connection has one connection per node underneath, which are the
   * ones that reconnect; with {@code anyConnection} a (re)connect of any of the client's connections, a promoted
   * replica's included, lets the waiting reads try again.
   */
  ReadRetry(StatefulConnection<?, ?> connection, boolean anyConnection, int maxRetries, Duration budget) {
    this.connection = connection;
    this.anyConnection = anyConnection;
    this.maxRetries = maxRetries;
    this.budget = budget;
  }

  /** Runs a read-only command, sending it again after reconnects as described above. */
  <T> CompletionStage<T> read(Supplier<CompletionStage<T>> command) {
    return attempt(command, maxRetries, System.nanoTime() + budget.toNanos());
  }

  private <T> CompletionStage<T> attempt(Supplier<CompletionStage<T>> command, int retriesLeft, long deadline) {
    boolean sentOnOpenConnection = connection.isOpen();
    // Never null: set when this is built and only ever swapped for a new future.
    CompletableFuture<Void> reconnect = Objects.requireNonNull(nextReconnect.get());
    return command.get().exceptionallyCompose(failure -> {
      long left = deadline - System.nanoTime();
      if (retriesLeft == 0 || left <= 0 || !sentOnOpenConnection || !isConnectionLoss(failure)) {
        return CompletableFuture.failedStage(failure);
      }
      return reconnect.copy()
          .orTimeout(left, TimeUnit.NANOSECONDS)
          .handle((up, late) -> late == null)
          .thenCompose(up -> up
              ? attempt(command, retriesLeft - 1, deadline)
              : CompletableFuture.<T>failedStage(failure));
    });
  }

  private static boolean isConnectionLoss(Throwable failure) {
    Throwable error = ServerError.unwrap(failure);
    return error instanceof RedisException
        && !(error instanceof RedisCommandExecutionException)
        && !(error instanceof RedisCommandTimeoutException)
        && !isQueueFull(error);
  }

  /**
   * Whether Lettuce refused the command because the request queue is full: the connection is up but the server does
   * not answer, so no reconnect will come to wait for. Lettuce gives this refusal no type of its own, only its text
   * ("Request queue size exceeded", "Internal stack size exceeded", "Command buffer size exceeded").
   */
  static boolean isQueueFull(Throwable error) {
    String message = String.valueOf(error.getMessage());
    return message.contains("size exceeded: ") && message.contains("Commands are not accepted until");
  }

  @Override
  public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress remote) {
    if (anyConnection || handler == connection) {
      nextReconnect.getAndSet(new CompletableFuture<>()).complete(null);
    }
  }
}
