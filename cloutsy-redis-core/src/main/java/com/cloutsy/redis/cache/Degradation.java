package com.cloutsy.redis.cache;

import com.cloutsy.redis.FeatureCounters;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.ServerError;
import com.cloutsy.redis.ValueTooLargeException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failure of a cache becomes: an outage degrades (counted, logged at most once an interval, and the caller
 * gets the loader's value or a miss), a corrupt entry is counted and logged, a loaded value too large to store is
 * served unstored, and anything else (a bug) reaches the caller.
 */
final class Degradation {

  private static final Logger log = LoggerFactory.getLogger(RedisCache.class);
  private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

  private final String name;
  private final FeatureCounters.Counter degraded;
  private final FeatureCounters.Counter corrupt;
  private final RateLimitedLog degradedLog = new RateLimitedLog(log, LOG_INTERVAL);
  private final RateLimitedLog corruptLog = new RateLimitedLog(log, LOG_INTERVAL);
  private final RateLimitedLog refreshLog = new RateLimitedLog(log, LOG_INTERVAL);
  private final RateLimitedLog oversizedLog = new RateLimitedLog(log, LOG_INTERVAL);

  Degradation(String name, FeatureCounters counters) {
    this.name = name;
    this.degraded = counters.counter("cloutsy.redis.cache.degraded", "cache", name);
    this.corrupt = counters.counter("cloutsy.redis.cache.corrupt", "cache", name);
  }

  /** Counts and logs a call that Redis could not serve. */
  void degrade(RedisUnavailableException down) {
    degraded.increment();
    degradedLog.warn("Cache '" + name + "' is degraded: while Redis is unavailable, reads fall back to the loader or"
        + " miss, and loaded values are not stored", down);
  }

  /**
   * Degrades if {@code failure} (unwrapped) is an outage and returns true; returns false for anything else, which
   * the caller must pass on.
   */
  boolean degradesOn(Throwable failure) {
    if (ServerError.unwrap(failure) instanceof RedisUnavailableException down) {
      degrade(down);
      return true;
    }
    return false;
  }

  /** Counts and logs a corrupt entry, which was deleted and read as a miss. */
  void countCorrupt(RuntimeException why) {
    corrupt.increment();
    corruptLog.warn("Cache '" + name + "' found a corrupt entry; it was deleted and treated as a miss", why);
  }

  /** Logs an early refresh that failed; the caller serves the current value. */
  void refreshFailed(Throwable failure) {
    refreshLog.warn("Cache '" + name + "' could not refresh an entry early; it serves the current value, which is"
        + " still within its TTL", ServerError.unwrap(failure));
  }

  /**
   * Takes the failure of storing a loaded value, which the caller serves either way: an outage degrades, a value too
   * large is logged; anything else is thrown.
   *
   * @throws RuntimeException the failure, unwrapped, when it means a bug (encoding, say)
   */
  void storeFailed(Throwable failure) {
    Throwable error = ServerError.unwrap(failure);
    if (error instanceof RedisUnavailableException down) {
      degrade(down);
    } else if (error instanceof ValueTooLargeException tooLarge) {
      oversizedLog.warn("Cache '" + name + "' serves a loaded value without storing it", tooLarge);
    } else {
      throw rethrown(error);
    }
  }

  /** {@code error} as an unchecked exception to throw: itself, or wrapped in a {@link CompletionException}. */
  static RuntimeException rethrown(Throwable error) {
    return error instanceof RuntimeException runtime ? runtime : new CompletionException(error);
  }
}
