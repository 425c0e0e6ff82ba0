package com.cloutsy.redis.pubsub;

import com.cloutsy.redis.codec.Codec;
import java.util.Objects;

/**
 * How an {@link EventBus} encodes events and how much it buffers for slow listeners.
 *
 * @param codec turns events into message text and back; must produce UTF-8 text (JSON does), because messages
 *     travel as strings, which is also what a subscriber written in another language expects
 * @param queueCapacity the most events waiting for one subscription's listener; when full, newer events for that
 *     subscription are dropped and counted ({@code cloutsy.redis.pubsub.dropped}), see {@link EventBus}
 * @param dispatchThreads threads that run listeners, shared by all subscriptions of the bus; each subscription runs
 *     on at most one of them at a time, so this also bounds how many slow listeners can block at once without
 *     delaying the others
 */
public record EventBusPolicy(Codec codec, int queueCapacity, int dispatchThreads) {

  /** Default {@link #queueCapacity()}. */
  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

  /** Default {@link #dispatchThreads()}. */
  public static final int DEFAULT_DISPATCH_THREADS = 4;

  /** Checks the values. */
  public EventBusPolicy {
    Objects.requireNonNull(codec, "codec must not be null");
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be >= 1, was " + queueCapacity);
    }
    if (dispatchThreads < 1 || dispatchThreads > 256) {
      throw new IllegalArgumentException("dispatchThreads must be 1-256, was " + dispatchThreads);
    }
  }

  /** JSON through {@link Codec#json()}, {@value #DEFAULT_QUEUE_CAPACITY} events per subscription, 4 threads. */
  public static EventBusPolicy defaults() {
    return new EventBusPolicy(Codec.json(), DEFAULT_QUEUE_CAPACITY, DEFAULT_DISPATCH_THREADS);
  }

  /** A copy with another codec, e.g. {@code Codec.json(applicationMapper)}. */
  public EventBusPolicy withCodec(Codec codec) {
    return new EventBusPolicy(codec, queueCapacity, dispatchThreads);
  }

  /** A copy with another per-subscription queue capacity. */
  public EventBusPolicy withQueueCapacity(int queueCapacity) {
    return new EventBusPolicy(codec, queueCapacity, dispatchThreads);
  }

  /** A copy with another number of dispatch threads. */
  public EventBusPolicy withDispatchThreads(int dispatchThreads) {
    return new EventBusPolicy(codec, queueCapacity, dispatchThreads);
  }
}
