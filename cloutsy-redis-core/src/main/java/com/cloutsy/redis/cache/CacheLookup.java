package com.cloutsy.redis.cache;

import org.jspecify.annotations.Nullable;

/**
 * What {@link RedisCache#get} found for a key: a value, a cached "not found", or nothing. An empty string or an
 * empty list is a {@link Hit}, never a miss.
 *
 * @param <T> the value type
 */
public sealed interface CacheLookup<T> permits CacheLookup.Hit, CacheLookup.NotFound, CacheLookup.Miss {

  /** The value, or null for {@link NotFound} and {@link Miss}. */
  @Nullable T orNull();

  /**
   * The cache holds a value.
   *
   * @param value the value; with a near cache, an instance shared with other callers
   * @param <T> the value type
   */
  record Hit<T>(T value) implements CacheLookup<T> {
    @Override
    public T orNull() {
      return value;
    }
  }

  /**
   * The cache holds a "not found" that a loader reported, cached for the policy's negative TTL.
   *
   * @param <T> the value type
   */
  record NotFound<T>() implements CacheLookup<T> {
    @Override
    public @Nullable T orNull() {
      return null;
    }
  }

  /**
   * The cache holds nothing for the key, or Redis could not be asked (counted as degraded).
   *
   * @param <T> the value type
   */
  record Miss<T>() implements CacheLookup<T> {
    @Override
    public @Nullable T orNull() {
      return null;
    }
  }
}
