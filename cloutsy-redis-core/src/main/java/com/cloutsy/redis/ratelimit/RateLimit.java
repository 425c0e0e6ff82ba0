package com.cloutsy.redis.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * A limit: at most {@code limit} permits per {@code window}, counted with one {@link Algorithm}. Immutable; build
 * it once and share it.
 *
 * <pre>{@code
 * RateLimit api = RateLimit.of(100, Duration.ofMinutes(1));                 // GCRA: 100 a minute, 100 at once
 * RateLimit bursty = api.withBurst(50);                                       // 100 a minute, 150 at once
 * RateLimit seedLike = RateLimit.fixedWindow(5, Duration.ofMinutes(15));      // the seed's counter, fixed start
 * RateLimit smooth = RateLimit.slidingWindow(1_000, Duration.ofHours(1));
 * }</pre>
 *
 * <p>The window has millisecond precision (a sub-millisecond remainder is ignored). A single call may take at most
 * {@link #capacity()} permits.
 *
 * @param limit permits per window, 1 to {@value #MAX_LIMIT}
 * @param window the window, 1 ms to 366 days
 * @param burst for {@link Algorithm#GCRA} only: permits a client may spend at once beyond {@code limit} after
 *     being idle, 0 to {@value #MAX_LIMIT}; the sustained rate stays {@code limit} per window. Must be 0 for the
 *     window algorithms, which admit exactly {@code limit} per window.
 * @param algorithm how permits are counted
 */
public record RateLimit(long limit, Duration window, long burst, Algorithm algorithm) {

  /** The largest limit and burst: far above any real quota, and exact in Lua's double-precision numbers. */
  public static final long MAX_LIMIT = 1_000_000_000_000L;

  private static final Duration MAX_WINDOW = Duration.ofDays(366);

  /**
   * Checks every component.
   *
   * @throws IllegalArgumentException naming the component and its value when one is out of range, when a window
   *     algorithm is given a burst, or when GCRA would get less than a microsecond per permit
   * @throws NullPointerException if {@code window} or {@code algorithm} is null
   */
  public RateLimit {
    Objects.requireNonNull(window, "window must not be null");
    Objects.requireNonNull(algorithm, "algorithm must not be null");
    if (limit <= 0 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT + ", was " + limit);
    }
    if (window.toMillis() < 1 || window.compareTo(MAX_WINDOW) > 0) {
      throw new IllegalArgumentException("window must be 1 ms to 366 days, was " + window);
    }
    if (burst < 0 || burst > MAX_LIMIT) {
      throw new IllegalArgumentException("burst must be 0-" + MAX_LIMIT + ", was " + burst);
    }
    if (burst > 0 && algorithm != Algorithm.GCRA) {
      throw new IllegalArgumentException("burst applies to GCRA only; " + algorithm + " admits exactly limit per"
          + " window, so raise the limit instead (burst was " + burst + ")");
    }
    if (algorithm == Algorithm.GCRA && window.toMillis() * 1000 < limit) {
      throw new IllegalArgumentException("GCRA needs at least 1 µs per permit, but window " + window + " / limit "
          + limit + " is less");
    }
  }

  /**
   * A {@link Algorithm#GCRA GCRA} limit without burst: {@code limit} permits per window, refilled continuously, at
   * most {@code limit} at once.
   *
   * @throws IllegalArgumentException if limit or window is out of range
   */
  public static RateLimit of(long limit, Duration window) {
    return new RateLimit(limit, window, 0, Algorithm.GCRA);
  }

  /** The same as {@link #of}, named for readers who compare algorithms. */
  public static RateLimit gcra(long limit, Duration window) {
    return of(limit, window);
  }

  /**
   * A {@link Algorithm#FIXED_WINDOW fixed-window} limit: {@code limit} permits per window starting at the first.
   *
   * @throws IllegalArgumentException if limit or window is out of range
   */
  public static RateLimit fixedWindow(long limit, Duration window) {
    return new RateLimit(limit, window, 0, Algorithm.FIXED_WINDOW);
  }

  /**
   * A {@link Algorithm#SLIDING_WINDOW sliding-window} limit: about {@code limit} permits in any window.
   *
   * @throws IllegalArgumentException if limit or window is out of range
   */
  public static RateLimit slidingWindow(long limit, Duration window) {
    return new RateLimit(limit, window, 0, Algorithm.SLIDING_WINDOW);
  }

  /**
   * This limit with another burst.
   *
   * @throws IllegalArgumentException if the burst is out of range or this is not a GCRA limit
   */
  public RateLimit withBurst(long burst) {
    return new RateLimit(limit, window, burst, algorithm);
  }

  /**
   * This limit counted with another algorithm.
   *
   * @throws IllegalArgumentException if this limit has a burst and the algorithm is not GCRA
   */
  public RateLimit withAlgorithm(Algorithm algorithm) {
    return new RateLimit(limit, window, burst, algorithm);
  }

  /** The most permits that may be spent at once and that one call may ask for: {@code limit + burst}. */
  public long capacity() {
    return limit + burst;
  }

  /** The window in whole milliseconds, as the scripts count it. */
  long windowMillis() {
    return window.toMillis();
  }

  /** GCRA's time per permit in microseconds, rounded up so rounding can only make the limit stricter. */
  long emissionIntervalMicros() {
    long micros = window.toMillis() * 1000;
    return (micros + limit - 1) / limit;
  }
}
