package com.cloutsy.redis.pubsub;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design notes. Each subscription is a serial lane: a bounded queue of raw messages and at most one task for it in
 * the bus's executor at any time (the flag "scheduled"). Lettuce's I/O thread only appends to the queue, never
 * decodes and never waits. A dispatch thread drains the queue in arrival order, so events of one subscription are
 * delivered in order and one at a time, while different subscriptions run in parallel on the executor's threads. A
 * lane gives its thread back after a batch, so a busy subscription cannot starve others on a small pool. The
 * executor's own queue therefore holds at most one task per subscription.
 */

/**
 * One channel or pattern subscription of an {@link EventBus}; {@link #close()} ends it.
 *
 * <p>Thread-safe. Closing discards the events still queued for this subscription; a listener call already running
 * finishes. When the last subscription of a channel closes, the bus unsubscribes from it on the server.
 */
public final class Subscription implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EventBus.class);
  /** Events handled before a lane yields its thread to other subscriptions. */
  private static final int BATCH = 64;
  /** A listener failing on every event logs one warning per interval, not one per event. */
  private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final EventBus bus;
  private final boolean pattern;
  private final String name;
  private final String redisName;
  private final Type type;
  private final EventListener<Object> listener;

  private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
  private boolean scheduled;
  private boolean closed;
  private long droppedSinceFull;

  // Touched only by the dispatch thread currently draining this lane; the executor hand-off orders the accesses.
  private long lastWarning;
  private boolean warned;
  private long suppressedWarnings;

  /** One message as it came from Redis, before decoding. */
  private record Delivery(String channel, String message) {}

  @SuppressWarnings("unchecked")
  Subscription(EventBus bus, boolean pattern, String name, String redisName, Type type, EventListener<?> listener) {
    this.bus = bus;
    this.pattern = pattern;
    this.name = name;
    this.redisName = redisName;
    this.type = type;
    // The bus decodes into `type` before calling, so the listener always gets the type it was registered for.
    this.listener = (EventListener<Object>) listener;
  }

  /** The channel, or for a pattern subscription the pattern, as given to the bus (without the key prefix). */
  public String channel() {
    return name;
  }

  /** Whether this is a {@link EventBus#psubscribe pattern} subscription. */
  public boolean isPattern() {
    return pattern;
  }

  /** Whether events are still delivered: false after {@link #close()}, after the bus closed, or a failed subscribe. */
  public synchronized boolean isActive() {
    return !closed;
  }

  /** Stops delivery and discards queued events; unsubscribes on the server if no other subscription needs it. */
  @Override
  public void close() {
    if (markClosed()) {
      bus.remove(this);
    }
  }

  @Override
  public String toString() {
    return "Subscription[" + (pattern ? "pattern " : "channel ") + name + ", " + type.getTypeName()
        + (isActive() ? "" : ", closed") + "]";
  }

  String redisName() {
    return redisName;
  }

  /** Marks this subscription closed without telling the bus; true if it was open. */
  synchronized boolean markClosed() {
    if (closed) {
      return false;
    }
    closed = true;
    queue.clear();
    return true;
  }

  /**
   * Called on Lettuce's I/O thread: queues the message, or drops and counts it when the queue is full. Never blocks.
   */
  void offer(String channel, String message) {
    long dropped;
    boolean schedule = false;
    synchronized (this) {
      if (closed) {
        return;
      }
      if (queue.size() >= bus.queueCapacity()) {
        dropped = ++droppedSinceFull;
      } else {
        dropped = 0;
        queue.addLast(new Delivery(channel, message));
        schedule = !scheduled;
        scheduled = true;
      }
    }
    if (schedule) {
      bus.dispatch(this::drain);
    } else if (dropped > 0) {
      bus.countDropped();
      if (dropped == 1) {
        log.warn("Event listener on {} {} is behind: its queue of {} events is full; dropping newer events until"
            + " it catches up", pattern ? "pattern" : "channel", name, bus.queueCapacity());
      }
    }
  }

  /** Runs on a dispatch thread: delivers queued events in order, at most {@link #BATCH} before yielding. */
  private void drain() {
    for (int handled = 0; ; handled++) {
      Delivery next;
      long dropped = 0;
      synchronized (this) {
        if (handled == BATCH && !closed && !queue.isEmpty()) {
          bus.dispatch(this::drain);
          return;
        }
        next = closed ? null : queue.pollFirst();
        if (next == null) {
          scheduled = false;
          dropped = droppedSinceFull;
          droppedSinceFull = 0;
        }
      }
      if (next == null) {
        if (dropped > 0) {
          log.info("Event listener on {} {} caught up after {} events were dropped", pattern ? "pattern" : "channel",
              name, dropped);
        }
        return;
      }
      try {
        deliver(next);
      } catch (VirtualMachineError fatal) {
        release();
        throw fatal;
      }
    }
  }

  /** Gives up this lane's turn after a fatal error, handing remaining events to a fresh task. */
  private void release() {
    boolean more;
    synchronized (this) {
      more = !closed && !queue.isEmpty();
      scheduled = more;
    }
    if (more) {
      bus.dispatch(this::drain);
    }
  }

  private void deliver(Delivery delivery) {
    @Nullable Object event;
    try {
      event = bus.codec().decode(delivery.message().getBytes(StandardCharsets.UTF_8), type);
    } catch (RuntimeException unreadable) {
      bus.countUndecodable();
      // The codec's message names the type, not the content: messages may carry personal data.
      warn("Dropped a message on channel " + delivery.channel() + " that is not a " + type.getTypeName() + ": "
          + unreadable.getMessage() + " (" + rootCause(unreadable) + ")", null);
      return;
    }
    if (event == null) {
      bus.countUndecodable();
      warn("Dropped a null message on channel " + delivery.channel() + " for " + type.getTypeName(), null);
      return;
    }
    try {
      listener.onEvent(delivery.channel(), event);
    } catch (VirtualMachineError fatal) {
      throw fatal;
    } catch (Throwable failure) {
      bus.countListenerError();
      warn("Event listener on " + (pattern ? "pattern " : "channel ") + name + " failed for an event on channel "
          + delivery.channel(), failure);
    } finally {
      // A listener that interrupted its own thread must not interrupt the next listener on this pool thread.
      Thread.interrupted();
    }
  }

  private void warn(String message, @Nullable Throwable failure) {
    long now = System.nanoTime();
    if (warned && now - lastWarning < WARN_INTERVAL_NANOS) {
      suppressedWarnings++;
      log.debug(message, failure);
      return;
    }
    String suffix = suppressedWarnings > 0
        ? " (" + suppressedWarnings + " similar problems on this subscription since the last warning)" : "";
    warned = true;
    lastWarning = now;
    suppressedWarnings = 0;
    log.warn(message + suffix, failure);
  }

  private static String rootCause(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName();
  }
}
