package com.cloutsy.redis.cache;

import com.cloutsy.redis.ServerError;
import com.cloutsy.redis.cache.CacheEntries.Flight;
import com.cloutsy.redis.cache.CacheEntries.Loaded;
import com.cloutsy.redis.cache.CacheEntries.Outcome;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A cache's reads: loaders are called, and large or compressed entries decoded, on the call's {@link Work}, never on
 * a Lettuce I/O thread. The asynchronous forms run on the cache's executor; the blocking forms wait on the same
 * stages with a {@link CallerThread}, which runs that work on the caller's thread.
 */
final class CacheReads {

  /** Where the work of one call runs, and what its result waits for when it stores a value it loaded. */
  interface Work extends Executor {
    /** The stage the call's result waits for in place of {@code stored}; {@code stored} itself unless bounded. */
    default CompletionStage<Void> awaitingStore(CompletionStage<Void> stored) {
      return stored;
    }

    /** Whether a small entry may be decoded on the thread its reply arrived on, saving a hand-off. */
    default boolean decodesSmallEntriesInline() {
      return true;
    }
  }

  // Entries up to this size are decoded where their read completed; see the design notes of RedisCache.
  private static final int INLINE_DECODE_BYTES = 1024;

  private final CacheEntries entries;

  CacheReads(CacheEntries entries) {
    this.entries = entries;
  }

  CompletionStage<@Nullable Object> load(
      String key, long ttlMillis, Type type, Supplier<? extends CompletionStage<?>> loader, Work work) {
    NearCache.Entry kept = entries.nearHit(key, type);
    if (kept != null) {
      return refreshIfDue(key, ttlMillis, kept.value(), kept.loadMicros(), kept.expiresAtMillis(), loader, work);
    }
    return entries.flights.join(new Flight(key, type), () -> {
      NearCache.Read read = entries.read(key);
      return decodeWhereCheap(read.reply(),
          (bytes, failure) -> afterRead(key, ttlMillis, type, loader, read.pending(), bytes, failure, work), work)
          .thenCompose(stage -> stage);
    }).thenCompose(outcome -> outcome.cached()
        ? refreshIfDue(key, ttlMillis, outcome.value(), outcome.loadMicros(), outcome.expiresAtMillis(), loader,
            work)
        : CompletableFuture.completedFuture(outcome.value()));
  }

  private CompletionStage<Outcome> afterRead(String key, long ttlMillis, Type type,
      Supplier<? extends CompletionStage<?>> loader, NearCache.@Nullable Pending pending, byte @Nullable [] bytes,
      @Nullable Throwable failure, Work work) {
    if (failure != null) {
      entries.abandon(key, pending);
      if (!entries.degradation.degradesOn(failure)) {
        return CompletableFuture.failedFuture(ServerError.unwrap(failure));
      }
      return timedLoad(loader, work).thenApply(loaded -> Outcome.loaded(loaded.value()));
    }
    Outcome cached = entries.outcome(key, bytes, type, pending);
    if (cached != null) {
      return CompletableFuture.completedFuture(cached);
    }
    return timedLoad(loader, work).thenComposeAsync(loaded -> storeQuietly(key, loaded, ttlMillis, work)
        .thenApply(stored -> Outcome.loaded(loaded.value())), work);
  }

  private CompletionStage<@Nullable Object> refreshIfDue(String key, long ttlMillis, @Nullable Object current,
      int loadMicros, long expiresAtMillis, Supplier<? extends CompletionStage<?>> loader, Work work) {
    if (current == null || !entries.refresh.isDue(expiresAtMillis, loadMicros) || !entries.refresh.claim(key)) {
      return CompletableFuture.completedFuture(current);
    }
    entries.refreshes.increment();
    CompletionStage<@Nullable Object> refreshed;
    try {
      refreshed = timedLoad(loader, work).thenComposeAsync(
          loaded -> storeQuietly(key, loaded, ttlMillis, work).thenApply(stored -> loaded.value()), work);
    } catch (RuntimeException rejected) {
      refreshed = CompletableFuture.failedFuture(rejected);
    }
    return refreshed.handle((fresh, failure) -> {
      entries.refresh.release(key);
      if (failure == null) {
        return fresh;
      }
      entries.degradation.refreshFailed(failure);
      return current;
    });
  }

  /** Stores a loaded value; a Redis failure only degrades, other failures (encoding) fail the stage. */
  private CompletionStage<Void> storeQuietly(String key, Loaded loaded, long ttlMillis, Work work) {
    return work.awaitingStore(entries.store(key, loaded.value(), loaded.loadMicros(), ttlMillis)
        .handle((ok, failure) -> {
          if (failure != null) {
            entries.degradation.storeFailed(failure);
          }
          return null;
        }));
  }

  private CompletionStage<Loaded> timedLoad(Supplier<? extends CompletionStage<?>> loader, Work work) {
    return CompletableFuture.supplyAsync(() -> {
      entries.loads.increment();
      Instant started = entries.clock.instant();
      CompletionStage<?> stage = loader.get();
      if (stage == null) {
        throw new NullPointerException("loader returned null instead of a CompletionStage");
      }
      return stage.thenApply(value -> new Loaded(value, entries.microsSince(started)));
    }, work).thenCompose(stage -> stage);
  }

  /** The lookup of {@code key}: a hit, a cached "not found" (value null) or a miss (null). */
  CompletionStage<CacheLookup<Object>> lookup(String key, Type type, Work work) {
    NearCache.Entry kept = entries.nearHit(key, type);
    if (kept != null) {
      return CompletableFuture.completedFuture(RedisCache.lookupOf(kept.value()));
    }
    NearCache.Read read = entries.read(key);
    return decodeWhereCheap(read.reply(), (bytes, failure) -> {
      if (failure != null) {
        entries.abandon(key, read.pending());
        if (!entries.degradation.degradesOn(failure)) {
          throw Degradation.rethrown(ServerError.unwrap(failure));
        }
        return new CacheLookup.Miss<>();
      }
      Outcome outcome = entries.outcome(key, bytes, type, read.pending());
      return outcome == null ? new CacheLookup.Miss<>() : RedisCache.lookupOf(outcome.value());
    }, work);
  }

  /**
   * Handles a read's reply where it is cheapest: a miss, a failure or a small uncompressed entry on the thread that
   * completed the read (decoding a few hundred bytes of JSON costs less than handing it to another thread, which on
   * a busy pool costs milliseconds), anything larger on the call's work. Loaders always run there.
   */
  private <R> CompletionStage<R> decodeWhereCheap(CompletionStage<byte @Nullable []> reply,
      BiFunction<byte @Nullable [], @Nullable Throwable, R> handler, Work work) {
    return reply.handle((bytes, failure) -> bytes == null || (work.decodesSmallEntriesInline()
            && bytes.length <= INLINE_DECODE_BYTES && (bytes.length == 0 || bytes[0] != Envelope.COMPRESSED))
        ? CompletableFuture.completedFuture(handler.apply(bytes, failure))
        : CompletableFuture.supplyAsync(() -> handler.apply(bytes, failure), work))
        .thenCompose(stage -> stage);
  }
}
