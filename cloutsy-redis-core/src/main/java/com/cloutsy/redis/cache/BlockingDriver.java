package com.cloutsy.redis.cache;

import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.ServerError;
import com.cloutsy.redis.cache.CacheEntries.Flight;
import com.cloutsy.redis.cache.CacheEntries.Loaded;
import com.cloutsy.redis.cache.CacheEntries.Outcome;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The blocking forms of a cache's reads: decoding, the loader and encoding on the caller's thread, and every wait
 * bounded by the call's command timeout, of which the loader's own time does not count.
 */
final class BlockingDriver {

  private final CacheEntries entries;

  BlockingDriver(CacheEntries entries) {
    this.entries = entries;
  }

  @Nullable Object load(String key, long ttlMillis, Type type, Supplier<?> loader) {
    long deadline = System.nanoTime() + entries.runtime.settings().commandTimeout().toNanos();
    NearCache.Entry kept = entries.nearHit(key, type);
    if (kept != null) {
      return refreshIfDue(key, ttlMillis, kept.value(), kept.loadMicros(), kept.expiresAtMillis(), loader,
          deadline);
    }
    // The leader looks up and loads on this thread; its flight is complete when join returns to it.
    Outcome outcome = joined(entries.flights.join(new Flight(key, type),
        () -> CompletableFuture.completedFuture(lookupOrLoad(key, ttlMillis, type, loader, deadline))));
    return outcome.cached()
        ? refreshIfDue(key, ttlMillis, outcome.value(), outcome.loadMicros(), outcome.expiresAtMillis(), loader,
            deadline)
        : outcome.value();
  }

  @SuppressWarnings("ReferenceEquality") // UNAVAILABLE is a marker: only that instance means "degraded"
  private Outcome lookupOrLoad(String key, long ttlMillis, Type type, Supplier<?> loader, long deadline) {
    Outcome cached = read(key, type);
    if (cached == Outcome.UNAVAILABLE) {
      return Outcome.loaded(timedLoad(loader).value());
    }
    if (cached != null) {
      return cached;
    }
    long loading = System.nanoTime();
    Loaded loaded = timedLoad(loader);
    storeQuietly(key, loaded, ttlMillis, deadline + (System.nanoTime() - loading));
    return Outcome.loaded(loaded.value());
  }

  private @Nullable Object refreshIfDue(String key, long ttlMillis, @Nullable Object current, int loadMicros,
      long expiresAtMillis, Supplier<?> loader, long deadline) {
    if (current == null || !entries.refresh.isDue(expiresAtMillis, loadMicros) || !entries.refresh.claim(key)) {
      return current;
    }
    try {
      entries.refreshes.increment();
      long loading = System.nanoTime();
      Loaded loaded = timedLoad(loader);
      storeQuietly(key, loaded, ttlMillis, deadline + (System.nanoTime() - loading));
      return loaded.value();
    } catch (RuntimeException failed) {
      entries.degradation.refreshFailed(failed);
      return current;
    } finally {
      entries.refresh.release(key);
    }
  }

  /**
   * Stores a loaded value, waiting no longer than what is left of the call's command timeout (the loader's own time
   * does not count), so a read and a store that both meet a stalled server never keep the caller twice as long. A
   * Redis failure or a store still under way only degrades: the caller has its value either way.
   */
  private void storeQuietly(String key, Loaded loaded, long ttlMillis, long deadline) {
    CompletableFuture<Void> stored = entries.store(key, loaded.value(), loaded.loadMicros(), ttlMillis)
        .toCompletableFuture();
    try {
      stored.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException late) {
      entries.degradation.degrade(new RedisUnavailableException("Storing a loaded value in cache '" + entries.name
          + "' did not finish within the command timeout; it may still be stored", late));
    } catch (ExecutionException failed) {
      entries.degradation.storeFailed(failed);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      entries.degradation.degrade(new RedisUnavailableException("Interrupted while storing in cache '"
          + entries.name + "'", interrupted));
    }
  }

  private Loaded timedLoad(Supplier<?> loader) {
    entries.loads.increment();
    Instant started = entries.clock.instant();
    Object value = loader.get();
    return new Loaded(value, entries.microsSince(started));
  }

  @SuppressWarnings("ReferenceEquality") // as in lookupOrLoad
  CacheLookup<Object> lookup(String key, Type type) {
    NearCache.Entry kept = entries.nearHit(key, type);
    if (kept != null) {
      return RedisCache.lookupOf(kept.value());
    }
    Outcome outcome = read(key, type);
    return outcome == null || outcome == Outcome.UNAVAILABLE
        ? new CacheLookup.Miss<>()
        : RedisCache.lookupOf(outcome.value());
  }

  /**
   * Reads and decodes the entry at {@code key} on this thread: its outcome, null on a miss (or a corrupt entry), or
   * {@link Outcome#UNAVAILABLE} after degrading when Redis could not be asked.
   */
  private @Nullable Outcome read(String key, Type type) {
    NearCache.Read read = entries.read(key);
    byte[] bytes;
    try {
      bytes = entries.runtime.await(read.reply());
    } catch (RedisUnavailableException down) {
      entries.abandon(key, read.pending());
      entries.degradation.degrade(down);
      return Outcome.UNAVAILABLE;
    } catch (RuntimeException failed) {
      entries.abandon(key, read.pending());
      throw failed;
    }
    return entries.outcome(key, bytes, type, read.pending());
  }

  private static Outcome joined(CompletableFuture<Outcome> running) {
    try {
      return running.join();
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
