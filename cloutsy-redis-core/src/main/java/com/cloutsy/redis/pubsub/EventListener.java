package com.cloutsy.redis.pubsub;

/**
 * Receives the events of one {@link Subscription}, supplied by the application.
 *
 * <p>Called on a dispatch thread of the {@link EventBus}, never on Lettuce's I/O thread, and never concurrently
 * for one subscription: events arrive one at a time, in the order Redis delivered them. A listener may block, but
 * while it does, its subscription's queue fills and, once full, further events for it are dropped and counted.
 *
 * @param <T> the event type
 */
@FunctionalInterface
public interface EventListener<T> {

  /**
   * Handles one event. An exception is logged and counted ({@code cloutsy.redis.pubsub.listener.errors}); it stops
   * neither this subscription nor any other.
   *
   * @param channel the channel the event was published on, without the service's key prefix; for a pattern
   *     subscription, the concrete channel that matched
   * @param event the decoded event
   * @throws Exception anything; it is contained
   */
  void onEvent(String channel, T event) throws Exception;
}
