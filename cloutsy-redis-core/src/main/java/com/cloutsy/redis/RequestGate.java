package com.cloutsy.redis;

import io.lettuce.core.RedisException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/*
 * Design notes. Lettuce bounds the commands waiting on a connection itself (ClientOptions.requestQueueSize), but it
 * refuses the one over the bound only on its I/O thread, and logs each refusal as a warning with a stack trace: a
 * stalled server under load then costs the event loop, which every call of the service shares, a log line per call
 * (95,000 lines, 67 MB, for the 100,000 calls of RequestQueueTest), and the refusals come seconds late. So the
 * shared connection of a single server (or Sentinel's master) counts its calls here and refuses the one over the
 * same bound at once, on the caller's thread, without reaching Lettuce. A cluster connection is many node
 * connections under one: one count for all would let a single stalled node refuse the calls for every other, so
 * there each node's connection keeps Lettuce's own bound.
 */
final class RequestGate {

  private final int limit;
  private final String endpoint;
  private final AtomicInteger waiting = new AtomicInteger();

  /** At most {@code limit} calls wait for their reply at once. */
  RequestGate(int limit, String endpoint) {
    this.limit = limit;
    this.endpoint = endpoint;
  }

  /** Sends {@code command} when fewer than the limit wait; otherwise a stage failed with the outage at once. */
  <T> CompletionStage<T> send(Supplier<? extends CompletionStage<T>> command) {
    if (waiting.incrementAndGet() > limit) {
      waiting.decrementAndGet();
      return CompletableFuture.failedStage(new RedisUnavailableException("Redis at " + endpoint + " is not answering: "
          + limit + " calls wait for replies (REDIS_REQUEST_QUEUE_SIZE), so this one was refused at once",
          new RedisException("Request queue size exceeded: " + limit)));
    }
    CompletionStage<T> sent;
    try {
      sent = command.get();
    } catch (RuntimeException refused) {
      waiting.decrementAndGet();
      throw refused;
    }
    return sent.whenComplete((value, failure) -> waiting.decrementAndGet());
  }

  /** Calls waiting for their reply now. */
  int waiting() {
    return waiting.get();
  }
}
