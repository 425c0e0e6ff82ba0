package com.cloutsy.redis.ratelimit;

import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.ServerError;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/*
 * The insurance limiter behind FailurePolicy.FAIL_OPEN: the scripts' three algorithms again, in memory, one small
 * state per key. Each state is used under its own lock, so concurrent callers on one key are exact within this
 * process. Bounded by Caffeine: at most maxKeys states, and a state leaves once idle for as long as it could still
 * matter (one window for a fixed window, two for a sliding window, the time to refill for GCRA), like the Redis
 * key's TTL. Time comes from the injected clock; a jump of the wall clock only shifts local windows.
 *
 * Evicting a state forgets what its key spent, which would hand the key a fresh quota: a spray of new keys would
 * then reopen every key under denial. So a state with nothing left (its last decision denied, or left no permit) is
 * pinned: it weighs 0, which Caffeine never evicts for size, and leaves only by expiring, when its window no longer
 * matters. At most maxKeys states are pinned at once (beyond that a state weighs 1 like any other), so the limiter
 * holds at most 2 x maxKeys states. A state is re-weighed, by putting it again, when it becomes pinned or unpinned.
 */
final class LocalLimiter {

  private final Cache<String, State> states;
  private final Clock clock;
  private final long maxPinned;
  private final AtomicLong pinned = new AtomicLong();

  LocalLimiter(long maxKeys, Clock clock) {
    this.clock = clock;
    this.maxPinned = maxKeys;
    this.states = Caffeine.newBuilder()
        .maximumWeight(maxKeys)
        .<String, State>weigher((key, state) -> state.pinned ? 0 : 1)
        .removalListener((@Nullable String key, @Nullable State state, RemovalCause cause) -> {
          // A replacement is the same state put again to re-weigh it; it stays.
          if (cause != RemovalCause.REPLACED && state != null && state.pinned) {
            pinned.decrementAndGet();
          }
        })
        .expireAfter(new Expiry<String, State>() {
          @Override
          public long expireAfterCreate(String key, State state, long now) {
            return state.idleNanos();
          }

          @Override
          public long expireAfterUpdate(String key, State state, long now, long remaining) {
            return state.idleNanos();
          }

          @Override
          public long expireAfterRead(String key, State state, long now, long remaining) {
            return state.idleNanos();
          }
        })
        .build();
  }

  /** {@code remote}, or when it failed because Redis is unavailable, this limiter's decision. */
  CompletionStage<Decision> orDecide(
      CompletionStage<Decision> remote, String key, RateLimit limit, long permits, boolean consume) {
    return remote.exceptionallyCompose(failure -> {
      return ServerError.unwrap(failure) instanceof RedisUnavailableException
          ? CompletableFuture.completedFuture(decide(key, limit, permits, consume))
          : CompletableFuture.failedStage(failure);
    });
  }

  Decision decide(String key, RateLimit limit, long permits, boolean consume) {
    State state = states.get(key, absent -> new State(limit));
    synchronized (state) {
      Decision decision = state.decide(limit, micros(clock.instant()), permits, consume);
      boolean exhausted = !decision.allowed() || decision.remaining() == 0;
      if (exhausted != state.pinned && (!exhausted || pinned.get() < maxPinned)) {
        state.pinned = exhausted;
        pinned.addAndGet(exhausted ? 1 : -1);
        if (!states.asMap().replace(key, state, state)) {
          // Evicted or expired meanwhile, before the listener could see the new weight: undo the count.
          state.pinned = !exhausted;
          pinned.addAndGet(exhausted ? -1 : 1);
        }
      }
      return decision;
    }
  }

  void forget(String key) {
    states.invalidate(key);
  }

  long size() {
    states.cleanUp();
    return states.estimatedSize();
  }

  long pinned() {
    states.cleanUp();
    return pinned.get();
  }

  private static long micros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }

  /** One key's counts; the fields a limit's algorithm does not use stay zero. */
  private static final class State {

    private RateLimit limit;
    private volatile long idleNanos;
    // Whether this state weighs 0, so a spray of other keys cannot evict it; changed under the state's lock.
    volatile boolean pinned;
    // FIXED_WINDOW: start of the window in µs and the permits granted in it.
    private long start;
    private long used;
    // SLIDING_WINDOW: index of the current aligned window and the counts of it and of the one before.
    private long index;
    private long current;
    private long previous;
    // GCRA: the theoretical arrival time in µs.
    private long tat;

    State(RateLimit limit) {
      reset(limit);
    }

    long idleNanos() {
      return idleNanos;
    }

    private void reset(RateLimit limit) {
      this.limit = limit;
      start = used = index = current = previous = tat = 0;
      long windowMicros = limit.windowMillis() * 1000;
      long idleMicros = switch (limit.algorithm()) {
        case FIXED_WINDOW -> windowMicros;
        case SLIDING_WINDOW -> 2 * windowMicros;
        case GCRA -> saturatedProduct(limit.emissionIntervalMicros(), limit.capacity());
      };
      idleNanos = saturatedProduct(idleMicros, 1000);
    }

    synchronized Decision decide(RateLimit asked, long now, long permits, boolean consume) {
      if (!asked.equals(limit)) {
        reset(asked);
      }
      return switch (limit.algorithm()) {
        case FIXED_WINDOW -> fixedWindow(now, permits, consume);
        case SLIDING_WINDOW -> slidingWindow(now, permits, consume);
        case GCRA -> gcra(now, permits, consume);
      };
    }

    private Decision fixedWindow(long now, long permits, boolean consume) {
      long max = limit.limit();
      long window = limit.windowMillis() * 1000;
      if (used > 0 && now - start >= window) {
        used = 0;
      }
      if (used + permits <= max) {
        if (consume) {
          if (used == 0) {
            start = now;
          }
          used += permits;
        }
        long left = used == 0 ? 0 : start + window - now;
        return decision(true, max, max - used, 0, left);
      }
      long left = start + window - now;
      return decision(false, max, max - used, left, left);
    }

    private Decision slidingWindow(long nowMicros, long permits, boolean consume) {
      long max = limit.limit();
      long window = limit.windowMillis();
      long now = nowMicros / 1000;
      long nowIndex = Math.floorDiv(now, window);
      if (nowIndex == index + 1) {
        previous = current;
        current = 0;
      } else if (nowIndex != index) {
        previous = 0;
        current = 0;
      }
      index = nowIndex;
      long left = (nowIndex + 1) * window - now;
      double estimate = (double) previous * left / window + current;
      if (estimate + permits <= max) {
        if (consume) {
          current += permits;
          estimate += permits;
        }
        long reset = current > 0 ? left + window : previous > 0 ? left : 0;
        return decision(true, max, (long) Math.floor(max - estimate), 0, reset * 1000);
      }
      double retry = current + permits <= max
          ? left - (double) (max - current - permits) * window / previous
          : left + window - (double) (max - permits) * window / current;
      long reset = current > 0 ? left + window : left;
      return decision(false, max, Math.max((long) Math.floor(max - estimate), 0),
          Math.max((long) Math.ceil(retry), 1) * 1000, reset * 1000);
    }

    private Decision gcra(long now, long permits, boolean consume) {
      long interval = limit.emissionIntervalMicros();
      long capacity = limit.capacity();
      long tolerance = saturatedProduct(interval, capacity);
      long arrival = Math.max(tat, now);
      long next = arrival + interval * permits;
      if (next - now <= tolerance) {
        if (consume) {
          arrival = next;
          tat = next;
        }
        return decision(true, capacity, (tolerance - (arrival - now)) / interval, 0, arrival - now);
      }
      return decision(false, capacity, (tolerance - (arrival - now)) / interval, next - tolerance - now,
          arrival - now);
    }

    private static Decision decision(boolean allowed, long limit, long remaining, long retryMicros, long resetMicros) {
      return new Decision(allowed, limit, remaining, Duration.of(retryMicros, ChronoUnit.MICROS),
          Duration.of(resetMicros, ChronoUnit.MICROS), true);
    }

    private static long saturatedProduct(long a, long b) {
      long high = Math.multiplyHigh(a, b);
      long low = a * b;
      return high == 0 && low >= 0 ? low : Long.MAX_VALUE;
    }
  }
}
