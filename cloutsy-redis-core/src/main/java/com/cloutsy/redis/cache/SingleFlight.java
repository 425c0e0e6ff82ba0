package com.cloutsy.redis.cache;

import com.cloutsy.redis.ServerError;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Concurrent calls for one key share one flight: the first caller leads it, the others wait for its result. A flight
 * ends, whatever happens, when its stage completes, so a failed leader never holds later callers of its key.
 *
 * @param <K> what identifies a flight
 * @param <V> what a flight produces
 */
final class SingleFlight<K, V> {

  private final ConcurrentHashMap<K, CompletableFuture<V>> flights = new ConcurrentHashMap<>();

  /**
   * The running flight of {@code key}, or a new one that {@code lead} starts on this thread. A failure of the flight
   * arrives unwrapped ({@link ServerError#unwrap}), also when {@code lead} throws.
   */
  CompletableFuture<V> join(K key, Supplier<? extends CompletionStage<V>> lead) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> running = flights.putIfAbsent(key, mine);
    if (running != null) {
      return running;
    }
    CompletionStage<V> led;
    try {
      led = lead.get();
    } catch (RuntimeException | Error failed) {
      led = CompletableFuture.failedFuture(failed);
    }
    led.whenComplete((value, failure) -> {
      // Ended before its result is delivered: a caller that has the result and asks again starts a new flight.
      flights.remove(key, mine);
      if (failure == null) {
        mine.complete(value);
      } else {
        mine.completeExceptionally(ServerError.unwrap(failure));
      }
    });
    return mine;
  }

  /** How many flights are under way. */
  int size() {
    return flights.size();
  }
}
