package com.cloutsy.redis.pubsub;

import com.cloutsy.redis.FeatureCounters;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.codec.Codec;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;

/**
 * Typed publish/subscribe over Redis: the seed's {@code publish(channel, JSON.stringify(event))} and
 * {@code duplicate().subscribe(...)}, with the events encoded by the shared {@link Codec} (JSON by default).
 *
 * <pre>{@code
 * try (EventBus bus = EventBus.create(redis)) {
 *   Subscription subscription = bus.subscribe("user:notifications", Notification.class,
 *       (channel, notification) -> push(notification));
 *   long receivers = bus.publish("user:notifications", new Notification(123, "message", "Hello!"));
 * }
 * }</pre>
 *
 * <p><b>Connection.</b> Publishing uses the service's shared connection. The first subscription opens one dedicated
 * subscriber connection (the seed's {@code duplicate()}; blocking, within the connect timeout), which every
 * subscription of this bus shares; create one bus per service and share it. When that connection drops, Lettuce
 * reconnects and subscribes again to every channel and pattern, so subscriptions resume without the caller doing
 * anything. Channels and patterns are put under the service's key prefix ({@code REDIS_KEY_PREFIX}), because
 * pub/sub channels are shared by all databases of a server; listeners see channel names without it.
 *
 * <p><b>Delivery is at-most-once.</b> Redis keeps no pub/sub messages: an event published while the subscriber
 * connection is down, before a subscription is confirmed, or while a listener's queue is full is lost. Use a Redis
 * stream or a database when every event must arrive. Each loss of the subscriber connection while this bus has
 * subscriptions is counted ({@code cloutsy.redis.pubsub.gaps}) and logged once: events published from then until
 * Lettuce has subscribed again may have been lost. The server itself drops a subscriber whose unread messages exceed
 * {@code client-output-buffer-limit pubsub} (by default 32 MB at once, or 8 MB for 60 s), as a burst of large events
 * can cause; the bus then resubscribes like after any other disconnect.
 *
 * <p><b>Threads and slow listeners.</b> Listeners never run on Lettuce's I/O thread: each subscription has a queue
 * of at most {@link EventBusPolicy#queueCapacity()} messages, drained by one of
 * {@link EventBusPolicy#dispatchThreads()} shared dispatch threads, one event at a time and in the order Redis
 * delivered them (per subscription; there is no order between subscriptions). When a subscription's queue is full,
 * new messages for it are <b>dropped and counted</b> ({@code cloutsy.redis.pubsub.dropped}, and one warning per
 * episode). The other choice, making the reader wait, is worse: the reader is the Lettuce event loop, which the
 * service's command connection shares, so one slow listener would stall every Redis command of the application.
 * Decoding happens on the dispatch thread; a message that cannot be decoded as the subscription's type is counted
 * ({@code cloutsy.redis.pubsub.undecodable}), logged without its content and not delivered. A listener that throws
 * is counted ({@code cloutsy.redis.pubsub.listener.errors}) and logged; other listeners and later events go on.
 *
 * <p>Thread-safe. {@link #close()} ends every subscription and the subscriber connection, not the service.
 */
public final class EventBus implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EventBus.class);
  private static final AtomicInteger BUS_NUMBERS = new AtomicInteger();

  private final RedisService redis;
  private final EventBusPolicy policy;
  private final String prefix;
  private final ThreadPoolExecutor dispatcher;
  private final FeatureCounters.Counter published;
  private final FeatureCounters.Counter received;
  private final FeatureCounters.Counter listenerErrors;
  private final FeatureCounters.Counter undecodable;
  private final FeatureCounters.Counter dropped;
  private final FeatureCounters.Counter gaps;

  /** Guards subscribing, unsubscribing, opening and closing, so the SUBSCRIBE/UNSUBSCRIBE order matches the maps. */
  private final Object lock = new Object();
  // Written under the lock, read lock-free by the I/O thread for every message.
  private final Map<String, Registration> channels = new ConcurrentHashMap<>();
  private final Map<String, Registration> patterns = new ConcurrentHashMap<>();
  private @Nullable StatefulRedisPubSubConnection<String, String> connection;
  private boolean closed;

  /** The subscriptions of one channel or pattern and the server's confirmation of its SUBSCRIBE. */
  private static final class Registration {
    final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
  }

  private EventBus(RedisService redis, EventBusPolicy policy) {
    this.redis = redis;
    this.policy = policy;
    this.prefix = redis.runtime().keyNames().prefix();
    int number = BUS_NUMBERS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.dispatcher = new ThreadPoolExecutor(policy.dispatchThreads(), policy.dispatchThreads(), 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), task -> {
          Thread thread = new Thread(task, "cloutsy-eventbus-" + number + "-" + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    // An idle bus keeps no threads.
    dispatcher.allowCoreThreadTimeOut(true);
    FeatureCounters counters = redis.runtime().counters();
    this.published = counters.counter("cloutsy.redis.pubsub.published");
    this.received = counters.counter("cloutsy.redis.pubsub.received");
    this.listenerErrors = counters.counter("cloutsy.redis.pubsub.listener.errors");
    this.undecodable = counters.counter("cloutsy.redis.pubsub.undecodable");
    this.dropped = counters.counter("cloutsy.redis.pubsub.dropped");
    this.gaps = counters.counter("cloutsy.redis.pubsub.gaps");
  }

  /** A bus with {@link EventBusPolicy#defaults()} on a started service; connects nothing until the first subscribe. */
  public static EventBus create(RedisService redis) {
    return create(redis, EventBusPolicy.defaults());
  }

  /** A bus with the given policy on a started service; connects nothing until the first subscribe. */
  public static EventBus create(RedisService redis, EventBusPolicy policy) {
    Objects.requireNonNull(redis, "redis must not be null");
    Objects.requireNonNull(policy, "policy must not be null");
    return new EventBus(redis, policy);
  }

  // ---- publishing ----

  /**
   * Publishes {@code event}, encoded by the policy's codec, on {@code channel}. One round trip on the shared
   * connection; never sent twice. An event published while nobody listens is lost.
   *
   * @return a stage with the number of subscriber connections that received it (in Redis Cluster, on the node
   *     that took the message); it fails with {@link RedisUnavailableException} when Redis cannot be asked
   * @throws com.cloutsy.redis.codec.CodecException if the codec cannot write the event, at once
   * @throws IllegalArgumentException if the channel is empty; NullPointerException if an argument is null
   */
  public CompletionStage<Long> publishAsync(String channel, Object event) {
    checkName(channel, "channel");
    Objects.requireNonNull(event, "event must not be null");
    checkOpen();
    byte[] encoded = policy.codec().encode(event);
    redis.runtime().checkValueSize("event", encoded.length);
    String message = new String(encoded, StandardCharsets.UTF_8);
    return redis.runtime().send(commands -> commands.publish(prefix + channel, message)).thenApply(receivers -> {
      published.increment();
      return receivers;
    });
  }

  /** Blocking {@link #publishAsync}: the number of subscriber connections that received the event. */
  public long publish(String channel, Object event) {
    return redis.runtime().await(publishAsync(channel, event));
  }

  // ---- subscribing ----

  /**
   * Subscribes {@code listener} to events of {@code type} on {@code channel}; the stage completes once Redis has
   * confirmed the subscription, so events published after that reach the listener. Subscribing to a channel this
   * bus already listens to costs no round trip.
   *
   * @return a stage with the subscription; it fails with {@link RedisUnavailableException} when Redis cannot be asked
   * @throws RedisUnavailableException if the subscriber connection cannot be opened (first subscription only)
   * @throws IllegalStateException if the bus is closed
   */
  public <T> CompletionStage<Subscription> subscribeAsync(String channel, Class<T> type,
      EventListener<? super T> listener) {
    return add(false, channel, checkType(type), listener);
  }

  /** {@link #subscribeAsync(String, Class, EventListener)} for a generic type such as {@code List<Order>}. */
  public <T> CompletionStage<Subscription> subscribeAsync(String channel, TypeReference<T> type,
      EventListener<? super T> listener) {
    return add(false, channel, checkType(type).getType(), listener);
  }

  /** Blocking {@link #subscribeAsync(String, Class, EventListener)}. */
  public <T> Subscription subscribe(String channel, Class<T> type, EventListener<? super T> listener) {
    return redis.runtime().await(subscribeAsync(channel, type, listener));
  }

  /** Blocking {@link #subscribeAsync(String, TypeReference, EventListener)}. */
  public <T> Subscription subscribe(String channel, TypeReference<T> type, EventListener<? super T> listener) {
    return redis.runtime().await(subscribeAsync(channel, type, listener));
  }

  /**
   * Subscribes {@code listener} to every channel matching the glob {@code pattern} ({@code user:*:notifications});
   * the listener receives the concrete channel. Otherwise as {@link #subscribeAsync(String, Class, EventListener)}.
   * A channel that matches a pattern and is also subscribed by name reaches both subscriptions.
   */
  public <T> CompletionStage<Subscription> psubscribeAsync(String pattern, Class<T> type,
      EventListener<? super T> listener) {
    return add(true, pattern, checkType(type), listener);
  }

  /** {@link #psubscribeAsync(String, Class, EventListener)} for a generic type. */
  public <T> CompletionStage<Subscription> psubscribeAsync(String pattern, TypeReference<T> type,
      EventListener<? super T> listener) {
    return add(true, pattern, checkType(type).getType(), listener);
  }

  /** Blocking {@link #psubscribeAsync(String, Class, EventListener)}. */
  public <T> Subscription psubscribe(String pattern, Class<T> type, EventListener<? super T> listener) {
    return redis.runtime().await(psubscribeAsync(pattern, type, listener));
  }

  /** Blocking {@link #psubscribeAsync(String, TypeReference, EventListener)}. */
  public <T> Subscription psubscribe(String pattern, TypeReference<T> type, EventListener<? super T> listener) {
    return redis.runtime().await(psubscribeAsync(pattern, type, listener));
  }

  /** Whether the subscriber connection is open; false before the first subscription and while reconnecting. */
  public boolean isConnected() {
    synchronized (lock) {
      return connection != null && connection.isOpen();
    }
  }

  /** The policy this bus was created with. */
  public EventBusPolicy policy() {
    return policy;
  }

  /**
   * Ends every subscription, closes the subscriber connection and stops the dispatch threads once the listener
   * calls already running return; queued events are discarded. Idempotent. The service stays open.
   */
  @Override
  public void close() {
    List<Subscription> ended = new ArrayList<>();
    StatefulRedisPubSubConnection<String, String> subscriber;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      channels.values().forEach(registration -> ended.addAll(registration.subscriptions));
      patterns.values().forEach(registration -> ended.addAll(registration.subscriptions));
      channels.clear();
      patterns.clear();
      subscriber = connection;
      connection = null;
    }
    ended.forEach(Subscription::markClosed);
    if (subscriber != null) {
      subscriber.close();
    }
    dispatcher.shutdown();
  }

  @Override
  public String toString() {
    return "EventBus[" + redis.settings().describeEndpoint() + ", " + channels.size() + " channels, "
        + patterns.size() + " patterns" + (closed ? ", closed" : "") + "]";
  }

  // ---- what subscriptions call ----

  Codec codec() {
    return policy.codec();
  }

  int queueCapacity() {
    return policy.queueCapacity();
  }

  void dispatch(Runnable lane) {
    try {
      dispatcher.execute(lane);
    } catch (RejectedExecutionException busClosed) {
      log.debug("Event bus closed; a queued delivery was discarded");
    }
  }

  void countDropped() {
    dropped.increment();
  }

  void countUndecodable() {
    undecodable.increment();
  }

  void countListenerError() {
    listenerErrors.increment();
  }

  /** Removes a closed subscription; unsubscribes on the server when it was the last of its channel or pattern. */
  void remove(Subscription subscription) {
    synchronized (lock) {
      Map<String, Registration> registrations = subscription.isPattern() ? patterns : channels;
      Registration registration = registrations.get(subscription.redisName());
      if (registration == null || !registration.subscriptions.remove(subscription)
          || !registration.subscriptions.isEmpty()) {
        return;
      }
      registrations.remove(subscription.redisName());
      unsubscribe(subscription.isPattern(), subscription.redisName());
    }
  }

  // ---- internals ----

  private CompletionStage<Subscription> add(boolean pattern, String name, Type type, EventListener<?> listener) {
    checkName(name, pattern ? "pattern" : "channel");
    Objects.requireNonNull(listener, "listener must not be null");
    String redisName = prefix + name;
    Subscription subscription = new Subscription(this, pattern, name, redisName, type, listener);
    Registration registration;
    synchronized (lock) {
      checkOpen();
      StatefulRedisPubSubConnection<String, String> subscriber = subscriber();
      Map<String, Registration> registrations = pattern ? patterns : channels;
      registration = registrations.get(redisName);
      if (registration != null) {
        registration.subscriptions.add(subscription);
      } else {
        Registration created = new Registration();
        created.subscriptions.add(subscription);
        registrations.put(redisName, created);
        created.confirmed = redis.runtime().mapFailures(pattern
            ? subscriber.async().psubscribe(redisName)
            : subscriber.async().subscribe(redisName)).toCompletableFuture();
        // Its caller waits on confirmed itself, below: this stage only cleans up.
        CompletableFuture<Void> unused = created.confirmed.whenComplete((ok, failure) -> {
          if (failure != null) {
            forget(pattern, redisName, created);
          }
        });
        registration = created;
      }
    }
    return registration.confirmed.thenApply(ok -> subscription);
  }

  /** Drops a registration whose SUBSCRIBE failed; its subscriptions end, and their callers see the failure. */
  private void forget(boolean pattern, String redisName, Registration failed) {
    synchronized (lock) {
      Map<String, Registration> registrations = pattern ? patterns : channels;
      registrations.remove(redisName, failed);
      failed.subscriptions.forEach(Subscription::markClosed);
      failed.subscriptions.clear();
    }
  }

  /** Opens the subscriber connection on first use; the caller holds the lock. */
  private StatefulRedisPubSubConnection<String, String> subscriber() {
    StatefulRedisPubSubConnection<String, String> current = connection;
    if (current != null) {
      return current;
    }
    StatefulRedisPubSubConnection<String, String> opened;
    try {
      opened = redis.connectPubSub();
    } catch (RedisException unreachable) {
      throw new RedisUnavailableException("Could not open the subscriber connection to Redis at "
          + redis.settings().describeEndpoint() + ": " + unreachable.getMessage(), unreachable);
    }
    opened.addListener(new Receiver());
    if (opened instanceof RedisChannelHandler<?, ?> handler) {
      handler.addListener(new GapCounter());
    }
    connection = opened;
    return opened;
  }

  /** Sends UNSUBSCRIBE or PUNSUBSCRIBE without waiting; the caller holds the lock. */
  private void unsubscribe(boolean pattern, String redisName) {
    StatefulRedisPubSubConnection<String, String> subscriber = connection;
    if (subscriber == null) {
      return;
    }
    CompletionStage<Void> sent = pattern
        ? subscriber.async().punsubscribe(redisName)
        : subscriber.async().unsubscribe(redisName);
    // If this fails the connection is down; after the reconnect Lettuce subscribes again and Receiver undoes it.
    sent.exceptionally(failure -> {
      log.debug("Could not unsubscribe from {}: {}", redisName, failure.toString());
      return null;
    });
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("EventBus is closed");
    }
  }

  private static void checkName(String name, String what) {
    Objects.requireNonNull(name, () -> what + " must not be null");
    if (name.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
  }

  private static <T> T checkType(T type) {
    Objects.requireNonNull(type, "type must not be null");
    return type;
  }

  /** Counts each loss of the subscriber connection while there is something subscribed: a gap in delivery. */
  private final class GapCounter implements RedisConnectionStateListener {

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
      boolean subscribed;
      synchronized (lock) {
        subscribed = !closed && !(channels.isEmpty() && patterns.isEmpty());
      }
      if (subscribed) {
        gaps.increment();
        log.warn("Redis subscriber connection to {} lost; events published until it has resubscribed are lost"
            + " (cloutsy.redis.pubsub.gaps)", redis.settings().describeEndpoint());
      }
    }
  }

  /** Lettuce's callbacks, on its I/O thread: hand messages to the subscriptions' queues and return at once. */
  private final class Receiver extends RedisPubSubAdapter<String, String> {

    @Override
    public void message(String channel, String message) {
      received.increment();
      deliver(channels.get(channel), channel, message);
    }

    @Override
    public void message(String pattern, String channel, String message) {
      received.increment();
      deliver(patterns.get(pattern), channel, message);
    }

    private void deliver(@Nullable Registration registration, String channel, String message) {
      if (registration == null) {
        return;
      }
      String visible = channel.startsWith(prefix) ? channel.substring(prefix.length()) : channel;
      for (Subscription subscription : registration.subscriptions) {
        subscription.offer(visible, message);
      }
    }

    // A channel can be subscribed with nobody listening when its UNSUBSCRIBE failed during an outage and Lettuce
    // subscribed to it again after the reconnect, or when a timed-out SUBSCRIBE ran late: undo it.
    @Override
    public void subscribed(String channel, long count) {
      synchronized (lock) {
        if (!closed && !channels.containsKey(channel)) {
          unsubscribe(false, channel);
        }
      }
    }

    @Override
    public void psubscribed(String pattern, long count) {
      synchronized (lock) {
        if (!closed && !patterns.containsKey(pattern)) {
          unsubscribe(true, pattern);
        }
      }
    }
  }
}
