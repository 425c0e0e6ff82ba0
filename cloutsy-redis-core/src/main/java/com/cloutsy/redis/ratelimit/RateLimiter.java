package com.cloutsy.redis.ratelimit;

import com.cloutsy.redis.FeatureCounters;
import com.cloutsy.redis.RedisRuntime;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.script.LuaScript;
import com.cloutsy.redis.script.Reply;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

/**
 * Decides whether a client may spend permits under a {@link RateLimit}, counting in Redis so that every instance of
 * a service shares one count per key.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.create(redis, FailurePolicy.FAIL_OPEN);
 * RateLimit perMinute = RateLimit.of(100, Duration.ofMinutes(1));
 * Decision decision = limiter.tryAcquire(redis.keyNames().apiLimit(userId, "feed"), perMinute);
 * RateLimitHeaders.of("feed", perMinute, decision).forEach(response::setHeader);
 * if (!decision.allowed()) { response.setStatus(429); return; }
 * }</pre>
 *
 * <p>Each decision is one Lua script ({@link Algorithm#FIXED_WINDOW}, {@link Algorithm#SLIDING_WINDOW} or
 * {@link Algorithm#GCRA}) sent as one EVALSHA: one command, one round trip, atomic, so concurrent callers in any
 * number of processes are never admitted beyond the limit. Time is Redis {@code TIME}, never this machine's clock.
 * Denied requests consume nothing. Every key gets a TTL and disappears when idle. The caller builds the key with
 * {@link com.cloutsy.redis.keys.Keys} ({@code apiLimit(userId, endpoint)}); one key should always be used with the
 * same limit, since the algorithms store different things.
 *
 * <p>Failure: with {@link FailurePolicy#FAIL_CLOSED} (the default) a decision Redis cannot make throws
 * {@link RedisUnavailableException}; with {@link FailurePolicy#FAIL_OPEN} an in-process insurance limiter with the
 * same limit decides instead, and the {@link Decision} says so ({@link FailurePolicy} states the bound this keeps).
 * A script error, such as a key holding another type, is a bug and is thrown either way; so is a refusal of the
 * credentials or of an ACL right ({@link com.cloutsy.redis.RedisMisconfigurationException}), which is not an outage.
 *
 * <p>Counts decisions in {@code cloutsy.redis.ratelimit.decisions}, tagged {@code result=allowed|denied} and
 * {@code source=redis|local}. Thread-safe; share one instance.
 */
public final class RateLimiter {

  /** The most keys the insurance limiter of {@link FailurePolicy#FAIL_OPEN} tracks at once. */
  public static final int LOCAL_KEYS = 10_000;

  private static final LuaScript FIXED_WINDOW = LuaScript.load("ratelimit-fixed-window.lua");
  private static final LuaScript SLIDING_WINDOW = LuaScript.load("ratelimit-sliding-window.lua");
  private static final LuaScript GCRA = LuaScript.load("ratelimit-gcra.lua");
  private static final String CONSUME = "1";
  private static final String PEEK = "0";

  private final RedisService redis;
  private final RedisRuntime runtime;
  private final FailurePolicy policy;
  private final LocalLimiter local;
  private final FeatureCounters.Counter allowedByRedis;
  private final FeatureCounters.Counter deniedByRedis;
  private final FeatureCounters.Counter allowedLocally;
  private final FeatureCounters.Counter deniedLocally;

  private RateLimiter(RedisService redis, FailurePolicy policy, Clock clock) {
    this(redis, policy, new LocalLimiter(LOCAL_KEYS, clock));
  }

  private RateLimiter(RedisService redis, FailurePolicy policy, LocalLimiter local) {
    Objects.requireNonNull(redis, "redis must not be null");
    Objects.requireNonNull(policy, "policy must not be null");
    this.redis = redis;
    this.runtime = redis.runtime();
    this.policy = policy;
    this.local = local;
    String name = "cloutsy.redis.ratelimit.decisions";
    FeatureCounters counters = runtime.counters();
    this.allowedByRedis = counters.counter(name, "result", "allowed", "source", "redis");
    this.deniedByRedis = counters.counter(name, "result", "denied", "source", "redis");
    this.allowedLocally = counters.counter(name, "result", "allowed", "source", "local");
    this.deniedLocally = counters.counter(name, "result", "denied", "source", "local");
  }

  /** A limiter on {@code redis} that fails closed: while Redis is unavailable, decisions throw. */
  public static RateLimiter create(RedisService redis) {
    return create(redis, FailurePolicy.FAIL_CLOSED);
  }

  /** A limiter on {@code redis} with the given failure policy. */
  public static RateLimiter create(RedisService redis, FailurePolicy policy) {
    return create(redis, policy, Clock.systemUTC());
  }

  /**
   * A limiter on {@code redis} with the given failure policy whose insurance limiter keeps time with {@code clock};
   * every decision made in Redis keeps Redis's time.
   */
  public static RateLimiter create(RedisService redis, FailurePolicy policy, Clock clock) {
    return new RateLimiter(redis, policy, Objects.requireNonNull(clock, "clock must not be null"));
  }

  /** What this limiter does while Redis is unavailable. */
  public FailurePolicy failurePolicy() {
    return policy;
  }

  /**
   * This limiter with another failure policy, for keys that need it (a web layer's login routes failing closed
   * beside API routes failing open). Both share one insurance limiter, so a key's local counts are the same
   * whichever decides.
   *
   * @throws NullPointerException if the policy is null
   */
  public RateLimiter withFailurePolicy(FailurePolicy policy) {
    return policy == this.policy ? this : new RateLimiter(redis, policy, local);
  }

  /** Asynchronous {@link #tryAcquire(String, RateLimit)}. */
  public CompletionStage<Decision> tryAcquireAsync(String key, RateLimit limit) {
    return tryAcquireAsync(key, limit, 1);
  }

  /** Asynchronous {@link #tryAcquire(String, RateLimit, long)}. */
  public CompletionStage<Decision> tryAcquireAsync(String key, RateLimit limit, long permits) {
    checkKey(key);
    checkLimit(limit);
    if (permits <= 0 || permits > limit.capacity()) {
      throw new IllegalArgumentException("permits must be 1-" + limit.capacity() + " for " + limit + ", was "
          + permits);
    }
    return decide(key, limit, permits, true).thenApply(this::count);
  }

  /**
   * Takes one permit under {@code limit} if one is available. One round trip.
   *
   * @param key the limiter's key, from {@link com.cloutsy.redis.keys.Keys}
   * @throws IllegalArgumentException if the key is empty
   * @throws NullPointerException if an argument is null
   * @throws RedisUnavailableException if Redis cannot decide and the policy is {@link FailurePolicy#FAIL_CLOSED}
   */
  public Decision tryAcquire(String key, RateLimit limit) {
    return tryAcquire(key, limit, 1);
  }

  /**
   * Takes {@code permits} under {@code limit} if that many are available, otherwise none. One round trip.
   *
   * @param key the limiter's key, from {@link com.cloutsy.redis.keys.Keys}
   * @throws IllegalArgumentException if the key is empty or permits is not 1 to {@link RateLimit#capacity()}
   * @throws NullPointerException if an argument is null
   * @throws RedisUnavailableException if Redis cannot decide and the policy is {@link FailurePolicy#FAIL_CLOSED}
   */
  public Decision tryAcquire(String key, RateLimit limit, long permits) {
    CompletionStage<Decision> decision = tryAcquireAsync(key, limit, permits);
    return await(decision, key, limit, permits, true, this::count);
  }

  /** Asynchronous {@link #peek}. */
  public CompletionStage<Decision> peekAsync(String key, RateLimit limit) {
    checkKey(key);
    checkLimit(limit);
    return decide(key, limit, 1, false);
  }

  /**
   * The state of {@code key} under {@code limit} without spending anything: whether one permit would be granted
   * now, how many remain, when the limit resets. For support tooling and dashboards; not counted in the meters.
   * One round trip.
   *
   * @throws IllegalArgumentException if the key is empty
   * @throws NullPointerException if an argument is null
   * @throws RedisUnavailableException if Redis cannot answer and the policy is {@link FailurePolicy#FAIL_CLOSED}
   */
  public Decision peek(String key, RateLimit limit) {
    return await(peekAsync(key, limit), key, limit, 1, false, UnaryOperator.identity());
  }

  /** Asynchronous {@link #reset}. */
  public CompletionStage<Boolean> resetAsync(String key) {
    checkKey(key);
    local.forget(key);
    return runtime.send(commands -> commands.del(key)).thenApply(deleted -> deleted > 0);
  }

  /**
   * Forgets everything counted for {@code key}, in Redis and in the insurance limiter, so its full limit is
   * available again: for support tooling. One round trip.
   *
   * @return whether Redis held a count for the key
   * @throws RedisUnavailableException if Redis cannot be asked, whatever the failure policy: a reset must not seem
   *     to succeed when it did not
   */
  public boolean reset(String key) {
    return runtime.await(resetAsync(key));
  }

  /**
   * Waits for a decision within the command timeout. Only when even the wait outlasts it (the stage itself falls
   * back otherwise) does a fail-open limiter decide locally here, and {@code counted} sees that decision too.
   */
  Decision await(CompletionStage<Decision> decision, String key, RateLimit limit, long permits, boolean consume,
      UnaryOperator<Decision> counted) {
    try {
      return runtime.await(decision);
    } catch (RedisUnavailableException late) {
      if (policy == FailurePolicy.FAIL_OPEN) {
        return counted.apply(local.decide(key, limit, permits, consume));
      }
      throw late;
    }
  }

  /** One decision, not counted: in Redis, or in the insurance limiter when the policy allows and Redis fails. */
  CompletionStage<Decision> decide(String key, RateLimit limit, long permits, boolean consume) {
    String mode = consume ? CONSUME : PEEK;
    String[] keys = {key};
    CompletionStage<Reply> reply = switch (limit.algorithm()) {
      case FIXED_WINDOW -> runtime.run(FIXED_WINDOW, keys, Long.toString(limit.limit()),
          Long.toString(limit.windowMillis()), Long.toString(permits), mode);
      case SLIDING_WINDOW -> runtime.run(SLIDING_WINDOW, keys, Long.toString(limit.limit()),
          Long.toString(limit.windowMillis()), Long.toString(permits), mode);
      case GCRA -> runtime.run(GCRA, keys, Long.toString(limit.emissionIntervalMicros()),
          Long.toString(limit.capacity()), Long.toString(permits), mode);
    };
    CompletionStage<Decision> decision = reply.thenApply(Decision::fromReply);
    return policy == FailurePolicy.FAIL_OPEN
        ? local.orDecide(decision, key, limit, permits, consume)
        : decision;
  }

  private Decision count(Decision decision) {
    (decision.decidedLocally()
        ? decision.allowed() ? allowedLocally : deniedLocally
        : decision.allowed() ? allowedByRedis : deniedByRedis).increment();
    return decision;
  }

  static void checkKey(String key) {
    Objects.requireNonNull(key, "key must not be null");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
  }

  private static void checkLimit(RateLimit limit) {
    Objects.requireNonNull(limit, "limit must not be null");
  }
}
