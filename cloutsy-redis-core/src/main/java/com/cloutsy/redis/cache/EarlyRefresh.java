package com.cloutsy.redis.cache;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Probabilistic early expiration (XFetch; Vattani, Chierichetti, Lowenstein, VLDB 2015): whether a read should
 * reload an entry before it expires, and one refresh slot per key so a JVM refreshes a key once at a time. See the
 * design notes of {@link RedisCache}.
 *
 * <p>Time: the clock is the cache server's ({@link ServerClock}), the one the writer recorded the entry's expiry
 * by, so this JVM's own clock, however far off, does not decide when an entry is due.
 */
final class EarlyRefresh {

  /** Beyond 40 deltas before expiry the chance of an early refresh is below e^-40: skip the random draw. */
  private static final double HORIZON = 40;

  private final double beta;
  private final Clock clock;
  private final DoubleSupplier uniform;
  private final Set<String> refreshing = ConcurrentHashMap.newKeySet();

  /**
   * @param beta XFetch's beta; 0 turns early refresh off
   * @param clock the cache server's time, as entries record their expiry by it
   * @param uniform uniform random numbers in (0, 1]
   */
  EarlyRefresh(double beta, Clock clock, DoubleSupplier uniform) {
    this.beta = beta;
    this.clock = clock;
    this.uniform = uniform;
  }

  /** An early refresh with this clock and {@link ThreadLocalRandom}'s numbers. */
  EarlyRefresh(double beta, Clock clock) {
    this(beta, clock, () -> 1.0 - ThreadLocalRandom.current().nextDouble());
  }

  /** Whether an entry that expires at {@code expiresAtMillis} and took {@code loadMicros} to load is due now. */
  boolean isDue(long expiresAtMillis, int loadMicros) {
    if (beta == 0) {
      return false;
    }
    long now = clock.millis();
    if ((expiresAtMillis - (double) now) * 1000 > loadMicros * beta * HORIZON) {
      return false;
    }
    return isDue(now, expiresAtMillis, loadMicros, beta, uniform.getAsDouble());
  }

  /**
   * XFetch's test: refresh when {@code now - delta * beta * ln(uniform) >= expiry}, with delta the load time.
   *
   * @param uniform a uniform random number in (0, 1]
   */
  static boolean isDue(long nowMillis, long expiresAtMillis, int loadMicros, double beta, double uniform) {
    double leftMicros = (expiresAtMillis - (double) nowMillis) * 1000;
    return leftMicros <= loadMicros * beta * -Math.log(uniform);
  }

  /** Takes the refresh slot of {@code key}; false while another caller of this JVM refreshes it. */
  boolean claim(String key) {
    return refreshing.add(key);
  }

  /** Gives the refresh slot of {@code key} back. */
  void release(String key) {
    refreshing.remove(key);
  }
}
