package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Reads that degrade because Redis is stopped or stalled are each counted ({@code cloutsy.redis.cache.degraded}),
 * the loads they fall back to too, and the outage is logged once rather than once per call. What the reads return is
 * {@code FailurePolicyContractTest}'s.
 */
@WithRedis
class DegradedReadsTest {

  private static final Duration TTL = Duration.ofMinutes(5);

  private final Logger cacheLog = (Logger) LoggerFactory.getLogger(RedisCache.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void captureLog() {
    logged.start();
    cacheLog.addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    cacheLog.detachAppender(logged);
  }

  private static RedisService start(EmbeddedRedis server) {
    return RedisService.start(RedisSettings.builder().url(server.uri()).commandTimeout(Duration.ofMillis(500))
        .connectTimeout(Duration.ofSeconds(1)).build());
  }

  private static long count(RedisService redis, String name) {
    return redis.runtime().counters().counter("cloutsy.redis.cache." + name, "cache", "users").count();
  }

  private long degradedWarnings() {
    return logged.list.stream()
        .filter(event -> event.getLevel() == Level.WARN && event.getFormattedMessage().contains("is degraded"))
        .count();
  }

  @Test
  void whileRedisIsDownEveryDegradedReadIsCountedAndTheOutageLoggedOnce(EmbeddedRedis server) {
    try (RedisService redis = start(server);
        RedisCache cache = RedisCache.create(redis, "users", CachePolicy.of(TTL))) {
      String key = redis.keyNames().cache("users", "1");
      String prefs = redis.keyNames().userPrefs("1");
      cache.put(key, "cached");
      server.stop();
      await().atMost(Duration.ofSeconds(2)).until(() -> !redis.isConnected());

      for (int i = 0; i < 20; i++) {
        cache.getOrLoad(key, TTL, String.class, () -> "from database");
      }
      cache.getOrLoadAsync(key, TTL, String.class, () -> CompletableFuture.completedFuture("async from database"))
          .toCompletableFuture().join();
      cache.get(key, String.class);
      cache.getAsync(key, String.class).toCompletableFuture().join();
      cache.hashes().hget(prefs, "theme", String.class);
      cache.hashes().hgetAll(prefs, String.class);

      assertThat(count(redis, "degraded")).isEqualTo(25);
      assertThat(count(redis, "loads")).isEqualTo(21);
      assertThat(degradedWarnings()).as("one warning, not one per call").isEqualTo(1);
    }
  }

  @Test
  void readsThatTimeOutOnAStalledServerAreCountedAsDegraded(EmbeddedRedis server) {
    try (RedisService redis = start(server);
        RedisCache cache = RedisCache.create(redis, "users", CachePolicy.of(TTL))) {
      String key = redis.keyNames().cache("users", "stalled");
      server.pause();
      try {
        cache.getOrLoad(key, TTL, String.class, () -> "from database");
        cache.getOrLoadAsync(key, TTL, String.class, () -> CompletableFuture.completedFuture("async from database"))
            .toCompletableFuture().join();

        assertThat(count(redis, "degraded")).isEqualTo(2);
        assertThat(count(redis, "loads")).isEqualTo(2);
      } finally {
        server.resume();
      }
    }
  }
}
