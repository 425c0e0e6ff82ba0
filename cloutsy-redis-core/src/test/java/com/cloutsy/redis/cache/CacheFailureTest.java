package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What a cache does when its server stops, stalls or restarts: real processes, no mocks. */
@WithRedis
class CacheFailureTest {

  private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
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
    return RedisService.start(RedisSettings.builder().url(server.uri()).commandTimeout(COMMAND_TIMEOUT)
        .connectTimeout(Duration.ofSeconds(1)).build());
  }

  private static long count(RedisService redis, String name, String... tags) {
    String[] all = new String[tags.length + 2];
    all[0] = "cache";
    all[1] = "users";
    System.arraycopy(tags, 0, all, 2, tags.length);
    return redis.runtime().counters().counter("cloutsy.redis.cache." + name, all).count();
  }

  private long degradedWarnings() {
    return logged.list.stream()
        .filter(event -> event.getLevel() == Level.WARN && event.getFormattedMessage().contains("is degraded"))
        .count();
  }

  @Test
  void whileRedisIsDownReadsServeTheLoaderAreCountedAndLoggedRarely(EmbeddedRedis server) {
    try (RedisService redis = start(server);
        RedisCache cache = RedisCache.create(redis, "users", CachePolicy.of(TTL))) {
      String key = redis.keyNames().cache("users", "1");
      String prefs = redis.keyNames().userPrefs("1");
      cache.put(key, "cached");
      server.stop();
      await().atMost(Duration.ofSeconds(2)).until(() -> !redis.isConnected());

      for (int i = 0; i < 20; i++) {
        assertThat(cache.getOrLoad(key, TTL, String.class, () -> "from database")).isEqualTo("from database");
      }
      assertThat(cache.getOrLoadAsync(key, TTL, String.class,
          () -> CompletableFuture.completedFuture("async from database")).toCompletableFuture().join())
          .isEqualTo("async from database");
      assertThat(cache.get(key, String.class)).isEqualTo(new CacheLookup.Miss<>());
      assertThat(cache.getAsync(key, String.class).toCompletableFuture().join()).isEqualTo(new CacheLookup.Miss<>());
      assertThat(cache.hashes().hget(prefs, "theme", String.class)).isNull();
      assertThat(cache.hashes().hgetAll(prefs, String.class)).isEmpty();

      assertThat(count(redis, "degraded")).isEqualTo(25);
      assertThat(count(redis, "loads")).isEqualTo(21);
      assertThat(degradedWarnings()).as("one warning, not one per call").isEqualTo(1);

      assertThatThrownBy(() -> cache.put(key, "new")).isInstanceOf(RedisUnavailableException.class);
      assertThatThrownBy(() -> cache.invalidate(key)).isInstanceOf(RedisUnavailableException.class);
      assertThatThrownBy(() -> cache.hashes().hset(prefs, "theme", "dark", TTL))
          .isInstanceOf(RedisUnavailableException.class);

      server.restart();
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
        cache.getOrLoad(key, TTL, String.class, () -> "after restart");
        return new CacheLookup.Hit<>("after restart").equals(cache.get(key, String.class));
      });
    }
  }

  @Test
  void aStalledServerDegradesWithinTheCommandTimeout(EmbeddedRedis server) {
    try (RedisService redis = start(server);
        RedisCache cache = RedisCache.create(redis, "users", CachePolicy.of(TTL))) {
      String key = redis.keyNames().cache("users", "stalled");
      server.pause();
      try {
        long started = System.nanoTime();
        assertThat(cache.getOrLoad(key, TTL, String.class, () -> "from database")).isEqualTo("from database");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(COMMAND_TIMEOUT.multipliedBy(3));

        started = System.nanoTime();
        assertThat(cache.getOrLoadAsync(key, TTL, String.class,
            () -> CompletableFuture.completedFuture("async from database")).toCompletableFuture().join())
            .isEqualTo("async from database");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(COMMAND_TIMEOUT.multipliedBy(3));
        assertThat(count(redis, "degraded")).isEqualTo(2);
      } finally {
        server.resume();
      }
    }
  }

  @Test
  void theNearCacheIsFlushedWhenItsConnectionDropsAndTrackingIsReArmedAfterReconnect(EmbeddedRedis server) {
    try (RedisService serviceA = start(server);
        RedisService serviceB = start(server);
        RedisCache a = RedisCache.create(serviceA, "users", CachePolicy.of(TTL).withNearCache(100, TTL));
        RedisCache b = RedisCache.create(serviceB, "users", CachePolicy.of(TTL))) {
      String key = serviceA.keyNames().cache("users", "near");
      b.put(key, "v1");
      a.get(key, String.class);
      assertThat(a.get(key, String.class).orNull()).isEqualTo("v1");
      assertThat(count(serviceA, "gets", "result", "near_hit")).isEqualTo(1);
      assertThat(a.isNearCacheArmed()).isTrue();

      server.stop();

      await().atMost(Duration.ofSeconds(2)).until(() -> a.nearCacheSize() == 0 && !a.isNearCacheArmed());
      assertThat(a.get(key, String.class)).as("never the kept copy while disconnected")
          .isEqualTo(new CacheLookup.Miss<>());

      server.restart();

      await().atMost(Duration.ofSeconds(5)).until(a::isNearCacheArmed);
      assertThat(a.get(key, String.class)).as("the restarted server is empty, and so is the near cache")
          .isEqualTo(new CacheLookup.Miss<>());
      await().atMost(Duration.ofSeconds(5)).ignoreExceptionsInstanceOf(RedisUnavailableException.class)
          .untilAsserted(() -> b.put(key, "v2"));
      // A put that timed out while B reconnected may still run late and invalidate A's copy once, so wait for a
      // near hit rather than expect the very next read to be one.
      await("kept again after reconnect").atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        long nearHits = count(serviceA, "gets", "result", "near_hit");
        assertThat(a.get(key, String.class).orNull()).isEqualTo("v2");
        assertThat(a.get(key, String.class).orNull()).isEqualTo("v2");
        assertThat(count(serviceA, "gets", "result", "near_hit")).isGreaterThan(nearHits);
      });

      b.put(key, "v3");

      await("tracking is on again: B's write reaches A's near cache").atMost(Duration.ofSeconds(2))
          .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
          .until(() -> "v3".equals(a.get(key, String.class).orNull()));
    }
  }
}
