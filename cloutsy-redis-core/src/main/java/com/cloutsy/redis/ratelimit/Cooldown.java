package com.cloutsy.redis.ratelimit;

import com.cloutsy.redis.FeatureCounters;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

/**
 * "At most once per period": the seed's {@code otp:cooldown:{phone}} ({@code SET ... EX 60}), with the time left
 * reported instead of a bare refusal.
 *
 * <pre>{@code
 * Cooldown cooldown = Cooldown.create(redis);
 * Decision started = cooldown.tryStart(redis.keyNames().otpCooldown(phone), Duration.ofSeconds(60));
 * if (!started.allowed()) {
 *   throw new TooManyRequests("Please wait " + RateLimitHeaders.retryAfter(started.retryAfter()) + " s");
 * }
 * }</pre>
 *
 * <p>A cooldown is a limit of one per period; its {@link Decision} has the rate limiters' shape: {@code allowed}
 * when the cooldown was started, {@code retryAfter} the time left when one was already running. Each call is one
 * Lua script in one round trip (the fixed-window limiter's, for a limit of one), atomic across processes: of many
 * concurrent callers exactly one starts the cooldown. The key holds {@code "1"} with the period as its TTL, as the seed
 * writes it, so a
 * NestJS service sharing the key sees the same cooldown; a key found without a TTL is given one period.
 *
 * <p>Failure as in {@link RateLimiter}: {@link FailurePolicy#FAIL_CLOSED} (the default) throws
 * {@link RedisUnavailableException}, {@link FailurePolicy#FAIL_OPEN} decides with an in-process cooldown. Counts
 * attempts in {@code cloutsy.redis.ratelimit.cooldowns}, tagged {@code result=started|active} and
 * {@code source=redis|local}. Thread-safe; share one instance.
 */
public final class Cooldown {

  private static final Duration MAX_PERIOD = Duration.ofDays(366);

  // A cooldown is a fixed window of one: its first hit writes "1" with the period as TTL, exactly the seed's key.
  private final RateLimiter limiter;
  private final FeatureCounters.Counter startedByRedis;
  private final FeatureCounters.Counter activeByRedis;
  private final FeatureCounters.Counter startedLocally;
  private final FeatureCounters.Counter activeLocally;

  private Cooldown(RedisService redis, FailurePolicy policy, Clock clock) {
    this.limiter = RateLimiter.create(redis, policy, clock);
    String name = "cloutsy.redis.ratelimit.cooldowns";
    FeatureCounters counters = redis.runtime().counters();
    this.startedByRedis = counters.counter(name, "result", "started", "source", "redis");
    this.activeByRedis = counters.counter(name, "result", "active", "source", "redis");
    this.startedLocally = counters.counter(name, "result", "started", "source", "local");
    this.activeLocally = counters.counter(name, "result", "active", "source", "local");
  }

  /** Cooldowns on {@code redis} that fail closed. */
  public static Cooldown create(RedisService redis) {
    return create(redis, FailurePolicy.FAIL_CLOSED);
  }

  /** Cooldowns on {@code redis} with the given failure policy. */
  public static Cooldown create(RedisService redis, FailurePolicy policy) {
    return create(redis, policy, Clock.systemUTC());
  }

  /**
   * Cooldowns on {@code redis} with the given failure policy whose in-process fallback keeps time with
   * {@code clock}; every cooldown kept in Redis keeps Redis's time.
   */
  public static Cooldown create(RedisService redis, FailurePolicy policy, Clock clock) {
    return new Cooldown(redis, policy, Objects.requireNonNull(clock, "clock must not be null"));
  }

  /** What these cooldowns do while Redis is unavailable. */
  public FailurePolicy failurePolicy() {
    return limiter.failurePolicy();
  }

  /** Asynchronous {@link #tryStart}. */
  public CompletionStage<Decision> tryStartAsync(String key, Duration period) {
    RateLimiter.checkKey(key);
    return limiter.decide(key, once(period), 1, true).thenApply(this::count);
  }

  /**
   * Starts a cooldown of {@code period} on {@code key} unless one is running. One round trip.
   *
   * @param key the cooldown's key, from {@link com.cloutsy.redis.keys.Keys} ({@code otpCooldown(phone)})
   * @param period how long the cooldown lasts, 1 ms to 366 days (millisecond precision)
   * @return allowed when it was started; otherwise denied, with the time left as {@link Decision#retryAfter()}
   * @throws IllegalArgumentException if the key is empty or the period out of range
   * @throws NullPointerException if an argument is null
   * @throws RedisUnavailableException if Redis cannot decide and the policy is {@link FailurePolicy#FAIL_CLOSED}
   */
  public Decision tryStart(String key, Duration period) {
    return limiter.await(tryStartAsync(key, period), key, once(period), 1, true, this::count);
  }

  /** Asynchronous {@link #peek}. */
  public CompletionStage<Decision> peekAsync(String key, Duration period) {
    RateLimiter.checkKey(key);
    return limiter.decide(key, once(period), 1, false);
  }

  /**
   * Whether a cooldown could be started on {@code key} now, and if not the time left, without starting one. The
   * period is only used to end a cooldown that another writer left without a TTL. One round trip.
   *
   * @throws IllegalArgumentException if the key is empty or the period out of range
   * @throws NullPointerException if an argument is null
   * @throws RedisUnavailableException if Redis cannot answer and the policy is {@link FailurePolicy#FAIL_CLOSED}
   */
  public Decision peek(String key, Duration period) {
    return limiter.await(peekAsync(key, period), key, once(period), 1, false, UnaryOperator.identity());
  }

  /** Asynchronous {@link #reset}. */
  public CompletionStage<Boolean> resetAsync(String key) {
    return limiter.resetAsync(key);
  }

  /**
   * Ends the cooldown on {@code key} at once, in Redis and locally: for support tooling. One round trip.
   *
   * @return whether a cooldown was running in Redis
   * @throws RedisUnavailableException if Redis cannot be asked, whatever the failure policy
   */
  public boolean reset(String key) {
    return limiter.reset(key);
  }

  private Decision count(Decision decision) {
    (decision.decidedLocally()
        ? decision.allowed() ? startedLocally : activeLocally
        : decision.allowed() ? startedByRedis : activeByRedis).increment();
    return decision;
  }

  private static RateLimit once(Duration period) {
    Objects.requireNonNull(period, "period must not be null");
    if (period.toMillis() < 1 || period.compareTo(MAX_PERIOD) > 0) {
      throw new IllegalArgumentException("period must be 1 ms to 366 days, was " + period);
    }
    return RateLimit.fixedWindow(1, period);
  }
}
