package com.cloutsy.redis.cache;

import com.cloutsy.redis.FeatureCounters;
import com.cloutsy.redis.RedisRuntime;
import com.cloutsy.redis.codec.Codec;
import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The steps that {@link CacheReads} composes: reading an entry (through the near cache when there is one), decoding
 * and counting it, deleting a corrupt one, and writing one; with the parts every read uses: the single flights,
 * early refresh and degradation.
 */
final class CacheEntries {

  /** Concurrent calls for one key and type share one flight. */
  record Flight(String key, Type type) {}

  /**
   * What a lookup or a load produced.
   *
   * @param value the value, or null for "not found"
   * @param cached whether it came from the cache, and so may be due for an early refresh
   */
  record Outcome(@Nullable Object value, boolean cached, int loadMicros, long expiresAtMillis) {
    static Outcome loaded(@Nullable Object value) {
      return new Outcome(value, false, 0, Long.MAX_VALUE);
    }
  }

  record Loaded(@Nullable Object value, int loadMicros) {}

  final String name;
  final CachePolicy policy;
  final RedisRuntime runtime;
  final Executor executor;
  /** The local clock: for durations (a load's time). */
  final Clock clock;
  /** The cache server's time: for the expiry an entry records and early refresh compares with. */
  final Clock serverClock;
  final CacheConnection connection;
  final @Nullable NearCache near;
  final SingleFlight<Flight, Outcome> flights = new SingleFlight<>();
  final EarlyRefresh refresh;
  final Degradation degradation;
  final FeatureCounters.Counter hits;
  final FeatureCounters.Counter nearHits;
  final FeatureCounters.Counter misses;
  final FeatureCounters.Counter negativeHits;
  final FeatureCounters.Counter loads;
  final FeatureCounters.Counter refreshes;
  private final Codec codec;

  CacheEntries(String name, CachePolicy policy, RedisRuntime runtime, Executor executor, Clock clock,
      Clock serverClock, CacheConnection connection, @Nullable NearCache near) {
    this.name = name;
    this.policy = policy;
    this.codec = policy.codec();
    this.runtime = runtime;
    this.executor = executor;
    this.clock = clock;
    this.serverClock = serverClock;
    this.connection = connection;
    this.near = near;
    this.refresh = new EarlyRefresh(policy.earlyRefreshBeta(), serverClock);
    FeatureCounters counters = runtime.counters();
    String gets = "cloutsy.redis.cache.gets";
    this.hits = counters.counter(gets, "cache", name, "result", "hit");
    this.nearHits = counters.counter(gets, "cache", name, "result", "near_hit");
    this.misses = counters.counter(gets, "cache", name, "result", "miss");
    this.negativeHits = counters.counter(gets, "cache", name, "result", "negative_hit");
    this.loads = counters.counter("cloutsy.redis.cache.loads", "cache", name);
    this.refreshes = counters.counter("cloutsy.redis.cache.refreshes", "cache", name);
    this.degradation = new Degradation(name, counters);
  }

  /** The near cache's entry of {@code key} for {@code type}, counted as a near hit; null without one. */
  NearCache.@Nullable Entry nearHit(String key, Type type) {
    NearCache.Entry kept = near == null ? null : near.get(key);
    if (kept != null && kept.matches(type)) {
      nearHits.increment();
      return kept;
    }
    return null;
  }

  NearCache.Read read(String key) {
    return near != null ? near.read(key) : new NearCache.Read(connection.get(key), null);
  }

  /**
   * What a GET reply holds, counted as a get: an outcome for a value or a cached "not found", null for a miss. A
   * corrupt entry is deleted and counted, and is a miss.
   */
  @Nullable Outcome outcome(String key, byte @Nullable [] bytes, Type type, NearCache.@Nullable Pending pending) {
    if (bytes == null) {
      abandon(key, pending);
      misses.increment();
      return null;
    }
    Envelope.Stored stored;
    Object value;
    try {
      stored = Envelope.read(bytes);
      byte[] payload = stored.payload();
      value = payload == null ? null : codec.decode(payload, type);
    } catch (RuntimeException corruptEntry) {
      // Whatever a codec throws on bytes it cannot read, the caller gets a miss, never the exception.
      abandon(key, pending);
      discardCorrupt(key, corruptEntry);
      misses.increment();
      return null;
    }
    (value == null ? negativeHits : hits).increment();
    if (pending != null && near != null) {
      near.fill(key, pending, new NearCache.Entry(value, type, stored.loadMicros(), stored.expiresAtMillis()));
    }
    return new Outcome(value, true, stored.loadMicros(), stored.expiresAtMillis());
  }

  private void discardCorrupt(String key, RuntimeException why) {
    degradation.countCorrupt(why);
    forgetLocally(key);
    // Fire and forget: if the delete fails, the next read finds the entry corrupt again and retries.
    connection.unlink(key);
  }

  /**
   * Writes the entry for a value or, for null, a "not found" (nothing when negative caching is off); then this
   * process's near cache drops the key, so its next read sees the write. Encoding happens on the calling thread;
   * failures, encoding included, arrive in the stage.
   */
  CompletionStage<Void> store(String key, @Nullable Object value, int loadMicros, long ttlMillis) {
    byte[] entry;
    long lifetime;
    try {
      if (value == null) {
        if (!policy.cachesNotFound()) {
          return CompletableFuture.completedFuture(null);
        }
        lifetime = jittered(policy.negativeTtl().toMillis());
        entry = Envelope.notFound(loadMicros, serverClock.millis() + lifetime);
      } else {
        lifetime = jittered(ttlMillis);
        entry = Envelope.value(codec.encode(value), policy.compressionThreshold(), loadMicros,
            serverClock.millis() + lifetime);
        runtime.checkValueSize("entry of cache '" + name + "'", entry.length);
      }
    } catch (RuntimeException unwritable) {
      return CompletableFuture.failedFuture(unwritable);
    }
    return connection.set(key, entry, lifetime)
        .whenComplete((ok, failure) -> forgetLocally(key))
        .thenApply(ok -> null);
  }

  /** The TTL to write: {@code ttlMillis} less up to the policy's jitter share, at least 1 ms. */
  long jittered(long ttlMillis) {
    int percent = policy.ttlJitterPercent();
    if (percent == 0) {
      return ttlMillis;
    }
    long spread = (long) (ttlMillis * (percent / 100.0));
    return Math.max(1, ttlMillis - ThreadLocalRandom.current().nextLong(spread + 1));
  }

  void forgetLocally(String key) {
    if (near != null) {
      near.invalidate(key);
    }
  }

  void abandon(String key, NearCache.@Nullable Pending pending) {
    if (pending != null && near != null) {
      near.abandon(key, pending);
    }
  }

  int microsSince(Instant started) {
    long micros = ChronoUnit.MICROS.between(started, clock.instant());
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, micros));
  }
}
