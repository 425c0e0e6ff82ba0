package com.cloutsy.redis.demo.api;

import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.pubsub.EventBus;
import com.cloutsy.redis.pubsub.Subscription;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Delivers {@code user:notifications} to the open Server-Sent Event streams of each user. One {@link EventBus}
 * subscription serves the whole instance (Redis sends every event once per instance, whoever it is for); each event
 * goes to the streams of its user on this instance, in the order Redis delivered them.
 *
 * <p>Delivery is at-most-once, as pub/sub is: an event published while a user has no open stream is lost. Each user
 * keeps at most {@value #MAX_STREAMS_PER_USER} streams here (opening one more closes the oldest), a comment every 20
 * seconds finds the streams whose client went away, and every stream is completed when the service shuts down, so
 * open streams never hold up a graceful shutdown.
 */
@Component
public final class NotificationHub {

  /** The seed's channel. */
  public static final String CHANNEL = "user:notifications";

  /** The most streams one user keeps open on one instance. */
  static final int MAX_STREAMS_PER_USER = 5;

  private static final Logger log = LoggerFactory.getLogger(NotificationHub.class);
  private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);

  private final Map<String, Set<SseEmitter>> streams = new ConcurrentHashMap<>();
  private final EventBus bus;
  private @Nullable Subscription subscription;

  NotificationHub(EventBus bus) {
    this.bus = bus;
    subscribeIfNeeded();
  }

  /**
   * Subscribes the instance's one subscription unless it exists. A lazy start (cloutsy.redis.lazy-connect) may begin
   * without Redis, and then the subscription is made here once Redis answers, within a second or so.
   */
  @Scheduled(fixedDelay = 1_000, initialDelay = 1_000)
  synchronized void subscribeIfNeeded() {
    if (subscription != null) {
      return;
    }
    try {
      subscription = bus.subscribe(CHANNEL, Notification.class, (channel, notification) -> deliver(notification));
    } catch (RedisUnavailableException notYet) {
      log.debug("Notifications not subscribed yet: {}", notYet.getMessage());
    }
  }

  /**
   * Opens a stream of {@code userId}'s notifications. Its first event, {@code ready}, says the stream is subscribed:
   * notifications published after it arrive as {@code notification} events.
   */
  SseEmitter open(String userId) {
    SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
    // Added inside compute, so it cannot land in a set that forget() has just removed from the map.
    Set<SseEmitter> own = streams.compute(userId, (id, existing) -> {
      Set<SseEmitter> set = existing != null ? existing : new CopyOnWriteArraySet<>();
      set.add(emitter);
      return set;
    });
    Runnable forget = () -> forget(userId, emitter);
    emitter.onCompletion(forget);
    emitter.onTimeout(forget);
    emitter.onError(failure -> forget.run());
    if (own.size() > MAX_STREAMS_PER_USER) {
      own.stream().filter(other -> other != emitter).findFirst().ifPresent(SseEmitter::complete);
    }
    send(userId, emitter, SseEmitter.event().name("ready").data(Map.of("userId", userId), MediaType.APPLICATION_JSON));
    return emitter;
  }

  private void deliver(Notification notification) {
    Set<SseEmitter> own = streams.getOrDefault(notification.userId(), Set.of());
    for (SseEmitter emitter : own) {
      send(notification.userId(), emitter,
          SseEmitter.event().name("notification").data(notification, MediaType.APPLICATION_JSON));
    }
  }

  /** A comment on every stream: a client that went away shows up as a failed write, and its stream is dropped. */
  @Scheduled(fixedRate = 20_000, initialDelay = 20_000)
  void heartbeat() {
    streams.forEach((userId, own) -> own.forEach(emitter -> send(userId, emitter, SseEmitter.event().comment("ping"))));
  }

  /** Ends every stream before the web server starts its graceful shutdown, which would wait for them. */
  @EventListener(ContextClosedEvent.class)
  void closeAll() {
    synchronized (this) {
      if (subscription != null) {
        subscription.close();
      }
    }
    List<SseEmitter> open = streams.values().stream().flatMap(Set::stream).toList();
    open.forEach(SseEmitter::complete);
    if (!open.isEmpty()) {
      log.info("Closed {} notification stream(s) for shutdown", open.size());
    }
  }

  private void send(String userId, SseEmitter emitter, SseEmitter.SseEventBuilder event) {
    try {
      emitter.send(event);
    } catch (IOException | IllegalStateException gone) {
      // The client went away, or the stream was completed meanwhile: drop it, the container cleans up.
      forget(userId, emitter);
    }
  }

  private void forget(String userId, SseEmitter emitter) {
    streams.computeIfPresent(userId, (id, own) -> {
      own.remove(emitter);
      return own.isEmpty() ? null : own;
    });
  }
}
