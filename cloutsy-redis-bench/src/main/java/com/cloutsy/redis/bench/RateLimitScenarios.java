package com.cloutsy.redis.bench;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.ratelimit.Algorithm;
import com.cloutsy.redis.ratelimit.RateLimit;
import com.cloutsy.redis.ratelimit.RateLimiter;
import com.cloutsy.redis.script.LuaScript;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Rate-limit decisions on one hot key: this project's three algorithms through {@link RateLimiter}, and, as the
 * baseline, raw Lettuce EVALSHA of the same GCRA script with its arguments prepared once. The limit (a million a
 * second) is never reached, so every decision admits and writes, the usual case of an API under its quota.
 */
final class RateLimitScenarios {

  static final String GROUP = "Rate-limit decision, one hot key";

  private static final long LIMIT = 1_000_000;
  private static final Duration WINDOW = Duration.ofSeconds(1);
  // At a million a second a GCRA key lives about a millisecond; the sample is an API quota of 100 a minute.
  private static final long SAMPLE_LIMIT = 100;
  private static final Duration SAMPLE_WINDOW = Duration.ofMinutes(1);

  private RateLimitScenarios() {}

  static List<Function<RedisService, Scenario>> all() {
    return List.of(
        redis -> new Limited(redis, Algorithm.GCRA, "cloutsy GCRA", "gcra"),
        redis -> new Limited(redis, Algorithm.SLIDING_WINDOW, "cloutsy sliding window", "slid"),
        redis -> new Limited(redis, Algorithm.FIXED_WINDOW, "cloutsy fixed window", "fixd"),
        RawEvalsha::new);
  }

  /** The seed's {@code api:limit:{userId}:{endpoint}} key, its user id a four-letter tag: one length for all. */
  private static String key(String tag) {
    return Keys.seed().apiLimit(tag, "feed");
  }

  /** {@code RateLimiter.tryAcquireAsync}, what an application calls. */
  private static final class Limited implements Scenario {

    private final RateLimiter limiter;
    private final RateLimit limit;
    private final String key;
    private final String sampleKey;
    private final String name;

    Limited(RedisService redis, Algorithm algorithm, String name, String tag) {
      this.limiter = RateLimiter.create(redis);
      this.limit = new RateLimit(LIMIT, WINDOW, 0, algorithm);
      this.key = key(tag);
      this.sampleKey = key(tag.substring(0, 3) + "1");
      this.name = name;
    }

    @Override
    public String group() {
      return GROUP;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean baseline() {
      return false;
    }

    @Override
    public CompletionStage<?> call() {
      return limiter.tryAcquireAsync(key, limit);
    }

    @Override
    public List<String> keys() {
      return List.of(key, sampleKey);
    }

    @Override
    public String writeSampleKey() {
      limiter.tryAcquire(sampleKey, new RateLimit(SAMPLE_LIMIT, SAMPLE_WINDOW, 0, limit.algorithm()));
      return sampleKey;
    }
  }

  /** The ceiling: EVALSHA of ratelimit-gcra.lua straight on the same Lettuce connection, reply left unparsed. */
  private static final class RawEvalsha implements Scenario {

    private static final LuaScript GCRA = LuaScript.load("ratelimit-gcra.lua");

    private final RedisAsyncCommands<String, String> commands;
    private final String[] keys = {key("rawg")};
    private final String[] arguments = gcraArguments(LIMIT, WINDOW);

    RawEvalsha(RedisService redis) {
      this.commands = redis.connection().async();
      redis.connection().sync().scriptLoad(GCRA.source());
    }

    /** What RateLimiter sends for a GCRA limit without burst: interval µs, capacity, permits, consume. */
    private static String[] gcraArguments(long limit, Duration window) {
      long intervalMicros = (window.toMillis() * 1000 + limit - 1) / limit;
      return new String[] {Long.toString(intervalMicros), Long.toString(limit), "1", "1"};
    }

    @Override
    public String group() {
      return GROUP;
    }

    @Override
    public String name() {
      return "raw Lettuce EVALSHA (GCRA)";
    }

    @Override
    public boolean baseline() {
      return true;
    }

    @Override
    public CompletionStage<?> call() {
      return commands.evalsha(GCRA.sha1(), ScriptOutputType.MULTI, keys, arguments);
    }

    @Override
    public List<String> keys() {
      return List.of(keys[0], key("raw1"));
    }

    @Override
    public String writeSampleKey() {
      String sample = key("raw1");
      commands.evalsha(GCRA.sha1(), ScriptOutputType.MULTI, new String[] {sample},
          gcraArguments(SAMPLE_LIMIT, SAMPLE_WINDOW)).toCompletableFuture().join();
      return sample;
    }
  }
}
