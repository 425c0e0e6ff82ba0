package com.cloutsy.redis.autoconfigure;

import com.cloutsy.redis.cache.CacheLookup;
import com.cloutsy.redis.cache.RedisCache;
import com.cloutsy.redis.codec.CodecException;
import com.cloutsy.redis.keys.Keys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cache.Cache;
import org.springframework.cache.support.NullValue;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * One named Spring {@link Cache} on the shared {@link RedisCache} of a {@link CloutsyCacheManager}: entries are
 * {@code cache:<name>:<key>} (the key's {@code toString()}), with the name's TTL.
 *
 * <ul>
 *   <li>{@link #get(Object, Callable)} and {@link #retrieve(Object, Supplier)} are {@link RedisCache#getOrLoad}: one
 *       loader call for concurrent misses in this process, early refresh of hot keys, and the loader's value when
 *       Redis is down. {@code @Cacheable(sync = true)} and methods returning {@code CompletableFuture} use them.
 *   <li>Reads ({@code get}, {@code retrieve}) degrade to a miss when Redis is down, so the method runs.
 *   <li>{@link #put} does not wait for Redis and never fails for it: a value that could not be stored is only a miss
 *       later. A value the cache could not read back (a class outside the allowed packages) throws
 *       {@link CodecException} at once. A null is stored as a cached "not found" for the negative TTL, or, without
 *       negative caching, evicts.
 *   <li>{@link #evict}, {@link #clear} and their immediate forms wait for Redis and throw
 *       {@link com.cloutsy.redis.RedisUnavailableException} when it is down: a silently failed eviction would leave a
 *       stale value. {@link #clear} is SCAN + UNLINK of the name's keys, not atomic.
 *   <li>{@link #putIfAbsent} is the interface's get-then-put, not atomic.
 * </ul>
 */
final class RedisSpringCache implements Cache {

  private static final Logger log = LoggerFactory.getLogger(RedisSpringCache.class);
  private static final long LOG_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();
  /** Longer key texts are replaced by their SHA-256, so every key fits {@link Keys#MAX_COMPONENT_LENGTH}. */
  private static final int MAX_KEY_LENGTH = 200;

  private final String name;
  private final RedisCache cache;
  private final Keys keys;
  private final Duration ttl;
  private final boolean cachesNull;
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

  RedisSpringCache(String name, RedisCache cache, Keys keys, Duration ttl) {
    this.name = name;
    this.cache = cache;
    this.keys = keys;
    this.ttl = ttl;
    this.cachesNull = cache.policy().cachesNotFound();
    // A name that cannot be part of a key fails here, when the cache is first asked for, not at its first read.
    keys.cachePrefix(name);
  }

  @Override
  public String getName() {
    return name;
  }

  /** The {@link RedisCache} that holds the entries of every cache of the manager. */
  @Override
  public RedisCache getNativeCache() {
    return cache;
  }

  @Override
  public @Nullable ValueWrapper get(Object key) {
    return wrap(cache.get(redisKey(key), Object.class));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
    Object value = fromStore(cache.get(redisKey(key), Object.class).orNull());
    if (value != null && type != null && !type.isInstance(value)) {
      throw new IllegalStateException("Cached value is not of required type [" + type.getName() + "]: " + value);
    }
    return (T) value;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
    return (T) fromStore(cache.getOrLoad(redisKey(key), ttl, Object.class, () -> {
      try {
        return valueLoader.call();
      } catch (Exception failed) {
        throw new ValueRetrievalException(key, valueLoader, failed);
      }
    }));
  }

  @Override
  public CompletableFuture<?> retrieve(Object key) {
    return cache.getAsync(redisKey(key), Object.class).thenApply(RedisSpringCache::wrapOrValue)
        .toCompletableFuture();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
    return cache.getOrLoadAsync(redisKey(key), ttl, Object.class, valueLoader)
        .thenApply(value -> (T) fromStore(value))
        .toCompletableFuture();
  }

  @Override
  public void put(Object key, @Nullable Object value) {
    String redisKey = redisKey(key);
    if (value == null && !cachesNull) {
      // Nothing may be cached for it, and an older value must not stay.
      cache.invalidateAsync(redisKey).whenComplete((deleted, failure) -> warnIf(failure, "evict"));
      return;
    }
    Duration lifetime = value == null ? cache.policy().negativeTtl() : ttl;
    CompletableFuture<Void> stored = cache.putAsync(redisKey, value == null ? NullValue.INSTANCE : value, lifetime)
        .toCompletableFuture();
    // The value is encoded before putAsync returns: a value that cannot be stored is a bug to report at once.
    if (stored.isCompletedExceptionally()) {
      try {
        stored.join();
      } catch (CompletionException failed) {
        if (failed.getCause() instanceof CodecException unwritable) {
          throw unwritable;
        }
      }
    }
    // Spring's put does not wait for Redis: a failure is only logged, like the eviction's above.
    CompletableFuture<Void> unused = stored.whenComplete((done, failure) -> warnIf(failure, "put"));
  }

  @Override
  public void evict(Object key) {
    cache.invalidate(redisKey(key));
  }

  @Override
  public boolean evictIfPresent(Object key) {
    return cache.invalidate(redisKey(key));
  }

  @Override
  public void clear() {
    cache.invalidatePrefix(keys.cachePrefix(name));
  }

  @Override
  public boolean invalidate() {
    return cache.invalidatePrefix(keys.cachePrefix(name)) > 0;
  }

  @Override
  public String toString() {
    return "RedisSpringCache[" + name + ", ttl " + ttl + "]";
  }

  /** The Redis key of a Spring cache key. */
  String redisKey(Object key) {
    String text = key.toString();
    if (text.isEmpty() || text.length() > MAX_KEY_LENGTH) {
      text = "sha256-" + sha256(text);
    }
    return keys.cache(name, text);
  }

  private void warnIf(@Nullable Throwable failure, String what) {
    if (failure == null) {
      return;
    }
    long now = System.nanoTime();
    long last = lastWarning.get();
    if (now - last >= LOG_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
      log.warn("Spring cache '{}' could not {} a key in Redis ({}); it is read as a miss. Further failures of this"
          + " cache are not logged for 10 s", name, what, failure.toString());
    }
  }

  private static @Nullable ValueWrapper wrap(CacheLookup<Object> lookup) {
    if (lookup instanceof CacheLookup.Hit<Object> hit) {
      return new SimpleValueWrapper(fromStore(hit.value()));
    }
    return lookup instanceof CacheLookup.NotFound ? new SimpleValueWrapper(null) : null;
  }

  /** For {@link #retrieve(Object)}: a plain value for a hit, a wrapper for a cached null, null for a miss. */
  private static @Nullable Object wrapOrValue(CacheLookup<Object> lookup) {
    if (lookup instanceof CacheLookup.Hit<Object> hit) {
      return hit.value() == NullValue.INSTANCE ? new SimpleValueWrapper(null) : hit.value();
    }
    return lookup instanceof CacheLookup.NotFound ? new SimpleValueWrapper(null) : null;
  }

  private static @Nullable Object fromStore(@Nullable Object stored) {
    return stored == NullValue.INSTANCE ? null : stored;
  }

  private static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("every Java platform must provide SHA-256", impossible);
    }
  }
}
