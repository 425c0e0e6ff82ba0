package com.cloutsy.redis.bench;

import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.ratelimit.Algorithm;
import com.cloutsy.redis.ratelimit.RateLimit;
import com.cloutsy.redis.ratelimit.RateLimiter;
import com.cloutsy.redis.script.LuaScript;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;

/**
 * Rate-limit decisions, on one hot key and on 10,000 keys: this project's three algorithms through
 * {@link RateLimiter}; raw Lettuce EVALSHA of the same GCRA script with its arguments prepared once (the ceiling of
 * a client on this connection); Bucket4j's Lettuce proxy manager (compare-and-swap: GET, then EVAL of a CAS script,
 * retried on conflict); Redisson's {@code RRateLimiter}. All asynchronous. The limit (a million a second) is never
 * reached, so every decision admits and writes: the usual case of an API under its quota. The bytes per limiter are
 * measured on an API quota of 100 a minute, after its first decision and after 100 (the whole quota).
 */
final class RateLimitScenarios implements AutoCloseable {

  static final String HOT = "Rate-limit decision, one hot key";
  static final String MANY = "Rate-limit decision, 10,000 keys";
  static final String GCRA = "cloutsy GCRA";
  static final String RAW = "raw Lettuce EVALSHA (GCRA)";
  static final String BUCKET4J = "Bucket4j (Lettuce, CAS)";
  static final String REDISSON = "Redisson RRateLimiter";
  static final String NOTE = "Decisions under a limit of a million a second, never reached, so every decision"
      + " admits and writes: an API under its quota. Bytes are those of one limiter with a quota of 100 a minute.";

  private static final int MANY_KEYS = 10_000;
  private static final long LIMIT = 1_000_000;
  private static final Duration WINDOW = Duration.ofSeconds(1);
  private static final RateLimit SAMPLE = RateLimit.of(100, Duration.ofMinutes(1));
  private static final List<Integer> SAMPLE_STEPS = List.of(1, 100);
  private static final String STEPS_LABEL = "after 1 / 100 decisions of a 100-a-minute quota";
  static final LuaScript GCRA_SCRIPT = LuaScript.load("ratelimit-gcra.lua");

  private final Clients clients;
  private final RateLimiter limiter;
  private final RedisAsyncCommands<String, String> raw;
  private final StatefulRedisConnection<String, byte[]> bucket4jConnection;
  private final AsyncProxyManager<String> buckets;
  private final AtomicInteger sampleIds = new AtomicInteger(100_000);

  RateLimitScenarios(Clients clients) {
    this.clients = clients;
    this.limiter = RateLimiter.create(clients.redis());
    this.raw = clients.redis().connection().async();
    clients.admin().scriptLoad(GCRA_SCRIPT.source());
    this.bucket4jConnection = clients.redis().client()
        .connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE), clients.redis().redisUri());
    // Bucket4j's recommended expiry: a key lives until its bucket would be full again, plus a margin. The margin is
    // long enough that its 10,000 keys stay in Redis between two visits, so Bucket4j is measured in its steady state
    // (GET, then the CAS script) rather than re-creating buckets, which takes it a third round trip.
    this.buckets = Bucket4jLettuce.casBasedBuilder(bucket4jConnection)
        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
        .build()
        .asAsync();
  }

  /** The scenarios of one table: one hot key, or 10,000 keys picked at random. */
  List<Scenario> scenarios(boolean manyKeys) {
    String group = manyKeys ? MANY : HOT;
    int count = manyKeys ? MANY_KEYS : 1;
    String lettuce = "async, in-flight on the one multiplexed connection of RedisService";
    List<Scenario> scenarios = new ArrayList<>();
    for (Algorithm algorithm : List.of(Algorithm.GCRA, Algorithm.SLIDING_WINDOW, Algorithm.FIXED_WINDOW)) {
      String tag = algorithm.name().toLowerCase(Locale.ROOT).replace('_', '-');
      String[] keys = keys(tag, count);
      RateLimit limit = new RateLimit(LIMIT, WINDOW, 0, algorithm);
      scenarios.add(new Scenario(group, name(algorithm), Scenario.Role.OURS,
          new Scenario.Load.Async(() -> limiter.tryAcquireAsync(pick(keys), limit)),
          "`RateLimiter.tryAcquireAsync`, " + lettuce,
          new Scenario.Memory("limiter", STEPS_LABEL, SAMPLE_STEPS, steps -> {
            String key = sampleKey();
            for (int i = 0; i < steps; i++) {
              limiter.tryAcquire(key, SAMPLE.withAlgorithm(algorithm));
            }
            return new Scenario.Sample(List.of(key), 1);
          })));
    }
    scenarios.add(rawEvalsha(group, keys("raw", count)));
    scenarios.add(bucket4j(group, keys("bucket4j", count)));
    scenarios.add(redisson(group, keys("redisson", count)));
    return scenarios;
  }

  static String name(Algorithm algorithm) {
    return switch (algorithm) {
      case GCRA -> GCRA;
      case SLIDING_WINDOW -> "cloutsy sliding window";
      case FIXED_WINDOW -> "cloutsy fixed window";
    };
  }

  private Scenario rawEvalsha(String group, String[] keys) {
    String[] arguments = gcraArguments(LIMIT, WINDOW);
    String[][] keyArrays = new String[keys.length][];
    for (int i = 0; i < keys.length; i++) {
      keyArrays[i] = new String[] {keys[i]};
    }
    return new Scenario(group, RAW, Scenario.Role.CEILING,
        new Scenario.Load.Async(() -> raw.evalsha(GCRA_SCRIPT.sha1(), ScriptOutputType.MULTI, pick(keyArrays),
            arguments)),
        "`evalsha` of `ratelimit-gcra.lua` with prepared arguments and no reply parsing, on the same connection",
        new Scenario.Memory("limiter", STEPS_LABEL, SAMPLE_STEPS, steps -> {
          String key = sampleKey();
          String[] sampleArguments = gcraArguments(SAMPLE.limit(), SAMPLE.window());
          for (int i = 0; i < steps; i++) {
            raw.evalsha(GCRA_SCRIPT.sha1(), ScriptOutputType.MULTI, new String[] {key}, sampleArguments)
                .toCompletableFuture().join();
          }
          return new Scenario.Sample(List.of(key), 1);
        }));
  }

  /** What RateLimiter sends for a GCRA limit without burst: interval µs, capacity, permits, consume. */
  static String[] gcraArguments(long limit, Duration window) {
    long intervalMicros = (window.toMillis() * 1000 + limit - 1) / limit;
    return new String[] {Long.toString(intervalMicros), Long.toString(limit), "1", "1"};
  }

  private Scenario bucket4j(String group, String[] keys) {
    BucketConfiguration configuration = configuration(LIMIT, WINDOW);
    AsyncBucketProxy[] proxies = new AsyncBucketProxy[keys.length];
    for (int i = 0; i < keys.length; i++) {
      proxies[i] = buckets.builder().build(keys[i], () -> CompletableFuture.completedFuture(configuration));
    }
    return new Scenario(group, BUCKET4J, Scenario.Role.PEER,
        new Scenario.Load.Async(() -> pick(proxies).tryConsume(1)),
        "`AsyncBucketProxy.tryConsume(1)` of Bucket4j's Lettuce CAS proxy manager, async, on a Lettuce connection of"
            + " its own",
        new Scenario.Memory("limiter", STEPS_LABEL, SAMPLE_STEPS, steps -> {
          String key = sampleKey();
          BucketConfiguration sampleConfiguration = configuration(SAMPLE.limit(), SAMPLE.window());
          AsyncBucketProxy bucket = buckets.builder().build(key,
              () -> CompletableFuture.completedFuture(sampleConfiguration));
          for (int i = 0; i < steps; i++) {
            bucket.tryConsume(1).join();
          }
          return new Scenario.Sample(List.of(key), 1);
        }));
  }

  private static BucketConfiguration configuration(long limit, Duration window) {
    return BucketConfiguration.builder().addLimit(bandwidth -> bandwidth.capacity(limit).refillGreedy(limit, window))
        .build();
  }

  private Scenario redisson(String group, String[] keys) {
    RedissonClient redisson = clients.redisson();
    RRateLimiter[] limiters = new RRateLimiter[keys.length];
    List<CompletableFuture<Boolean>> configured = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      limiters[i] = redisson.getRateLimiter(keys[i]);
      configured.add(limiters[i].trySetRateAsync(RateType.OVERALL, LIMIT, WINDOW).toCompletableFuture());
    }
    CompletableFuture.allOf(configured.toArray(CompletableFuture[]::new)).join();
    return new Scenario(group, REDISSON, Scenario.Role.PEER,
        new Scenario.Load.Async(() -> pick(limiters).tryAcquireAsync()),
        "`RRateLimiter.tryAcquireAsync()` (rate type OVERALL), async, on Redisson's own connection pool",
        new Scenario.Memory("limiter", STEPS_LABEL, SAMPLE_STEPS, steps -> {
          String key = sampleKey();
          RRateLimiter sample = redisson.getRateLimiter(key);
          sample.trySetRate(RateType.OVERALL, SAMPLE.limit(), SAMPLE.window());
          for (int i = 0; i < steps; i++) {
            sample.tryAcquire();
          }
          // The limiter's hash, plus its value and permits keys ({name}:value, {name}:permits).
          return new Scenario.Sample(clients.keysMatching("*" + key + "*"), 1);
        }));
  }

  /** The seed's {@code api:limit:{userId}:{endpoint}} keys, user ids of one length for all scenarios. */
  private static String[] keys(String tag, int count) {
    String[] keys = new String[count];
    for (int i = 0; i < count; i++) {
      keys[i] = Keys.seed().apiLimit(String.format(Locale.ROOT, "%s-%05d", tag, i), "feed");
    }
    return keys;
  }

  /** A key shaped like the ones an application writes: {@code api:limit:100042:feed}. */
  private String sampleKey() {
    return Keys.seed().apiLimit(Integer.toString(sampleIds.incrementAndGet()), "feed");
  }

  static <T> T pick(T[] choices) {
    return choices.length == 1 ? choices[0] : choices[ThreadLocalRandom.current().nextInt(choices.length)];
  }

  @Override
  public void close() {
    bucket4jConnection.close();
  }
}
