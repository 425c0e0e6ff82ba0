package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The near cache across a restart of its server: everything kept is dropped when its tracking connection drops, and
 * tracking is armed again on the new connection, so invalidations reach it as before.
 */
@WithRedis
class NearCacheReconnectTest {

  private static final Duration TTL = Duration.ofMinutes(5);

  private static RedisService start(EmbeddedRedis server) {
    return RedisService.start(RedisSettings.builder().url(server.uri()).commandTimeout(Duration.ofMillis(500))
        .connectTimeout(Duration.ofSeconds(1)).build());
  }

  private static long nearHits(RedisService redis) {
    return redis.runtime().counters().counter("cloutsy.redis.cache.gets", "cache", "users", "result", "near_hit")
        .count();
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
      assertThat(nearHits(serviceA)).isEqualTo(1);
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
        long before = nearHits(serviceA);
        assertThat(a.get(key, String.class).orNull()).isEqualTo("v2");
        assertThat(a.get(key, String.class).orNull()).isEqualTo("v2");
        assertThat(nearHits(serviceA)).isGreaterThan(before);
      });

      b.put(key, "v3");

      await("tracking is on again: B's write reaches A's near cache").atMost(Duration.ofSeconds(2))
          .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
          .until(() -> "v3".equals(a.get(key, String.class).orNull()));
    }
  }
}
