package com.cloutsy.redis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.keys.KeyLayout;
import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.script.LuaScript;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a decision costs the server, read from the server itself on a dedicated instance that nothing else uses:
 * commands sent per decision ({@code INFO}) and bytes per limiter key ({@code MEMORY USAGE}).
 */
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimiterFootprintTest {

  private static final int DECISIONS = 1_000;
  private static final LuaScript FIXED = LuaScript.load("ratelimit-fixed-window.lua");
  private static final LuaScript SLIDING = LuaScript.load("ratelimit-sliding-window.lua");
  private static final LuaScript GCRA = LuaScript.load("ratelimit-gcra.lua");

  private final EmbeddedRedis server;
  private final RedisService redis;
  private final RedisCommands<String, String> admin;

  RateLimiterFootprintTest(EmbeddedRedis server) {
    this.server = server;
    this.redis = RedisService.start(RedisSettings.builder().url(server.uri()).build());
    this.admin = redis.connection().sync();
  }

  @AfterAll
  void close() {
    redis.close();
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void eachDecisionIsOneEvalshaAndNothingElse(Algorithm algorithm) {
    RateLimiter limiter = RateLimiter.create(redis);
    RateLimit limit = new RateLimit(DECISIONS / 2, Duration.ofHours(1), 0, algorithm);
    String ours = redis.keyNames().apiLimit("ours-" + algorithm, "feed");
    String raw = redis.keyNames().apiLimit("raw-" + algorithm, "feed");
    limiter.tryAcquire(redis.keyNames().apiLimit("warm-up", "feed"), limit);

    long byLimiter = commandsProcessed(() -> limiter.tryAcquireAsync(ours, limit).toCompletableFuture());
    long evalshaByLimiter = stat("commandstats", "cmdstat_evalsha:calls");
    long byRawEvalsha = commandsProcessed(() -> rawEvalsha(raw, limit));

    // Redis 6.2 counts the commands a script runs as processed too: the same script on the same state runs the
    // same ones, so equal totals mean the limiter sent nothing but the one EVALSHA per decision.
    assertThat(evalshaByLimiter).isEqualTo(DECISIONS);
    assertThat(byLimiter).as("commands processed for %d decisions, against raw EVALSHA", DECISIONS)
        .isEqualTo(byRawEvalsha);
    assertThat(admin.info("commandstats")).doesNotContain("cmdstat_eval:");
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aLimiterKeyIsSmall(Algorithm algorithm) {
    RateLimiter limiter = RateLimiter.create(redis);
    RateLimit limit = new RateLimit(100, Duration.ofMinutes(1), 0, algorithm);
    List<Long> bytes = new ArrayList<>();
    for (Keys keys : List.of(Keys.seed(), Keys.cluster())) {
      String key = keys.apiLimit("42", "feed-" + algorithm.ordinal());
      limiter.tryAcquire(key, limit);
      bytes.add(admin.memoryUsage(key));
    }

    System.out.printf("MEMORY USAGE on redis-server %s for %s: %d bytes (api:limit:42:feed-N), %d bytes (%s)%n",
        admin.info("server").lines().filter(line -> line.startsWith("redis_version:")).findFirst().orElse("?"),
        algorithm, bytes.get(0), bytes.get(1), KeyLayout.CLUSTER);
    if (algorithm != Algorithm.SLIDING_WINDOW) {
      assertThat(bytes).as("what a plain string key costs")
          .allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(72));
    } else {
      assertThat(bytes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(128));
    }
  }

  /** Resets the server's statistics, makes {@value #DECISIONS} calls at once and counts what the server ran. */
  private long commandsProcessed(Supplier<CompletableFuture<?>> call) {
    admin.configResetstat();
    long before = stat("stats", "total_commands_processed");
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (int i = 0; i < DECISIONS; i++) {
      calls.add(call.get());
    }
    calls.forEach(CompletableFuture::join);
    // Minus one: the first INFO is counted once it has run, so it shows in the second reading.
    return stat("stats", "total_commands_processed") - before - 1;
  }

  private CompletableFuture<List<Object>> rawEvalsha(String key, RateLimit limit) {
    String[] keys = {key};
    String permits = "1";
    String consume = "1";
    RedisFuture<List<Object>> reply = switch (limit.algorithm()) {
      case FIXED_WINDOW -> redis.connection().async().evalsha(FIXED.sha1(), ScriptOutputType.MULTI, keys,
          Long.toString(limit.limit()), Long.toString(limit.windowMillis()), permits, consume);
      case SLIDING_WINDOW -> redis.connection().async().evalsha(SLIDING.sha1(), ScriptOutputType.MULTI, keys,
          Long.toString(limit.limit()), Long.toString(limit.windowMillis()), permits, consume);
      case GCRA -> redis.connection().async().evalsha(GCRA.sha1(), ScriptOutputType.MULTI, keys,
          Long.toString(limit.emissionIntervalMicros()), Long.toString(limit.capacity()), permits, consume);
    };
    return reply.toCompletableFuture();
  }

  private long stat(String section, String name) {
    Matcher matcher = Pattern.compile(Pattern.quote(name) + "[:=](\\d+)").matcher(admin.info(section));
    return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
  }

  @Override
  public String toString() {
    return "RateLimiterFootprintTest[" + server.uri() + "]";
  }
}
