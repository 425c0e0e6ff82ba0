package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisMatrix;
import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.config.HostPort;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.keys.KeyLayout;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** REDIS_CACHE_URL: the cache on a server of its own, or on the main one when none is set. */
@RunsAs(LeastPrivilege.CACHE)
@RedisMatrix(topologies = {Topology.SINGLE, Topology.CLUSTER})
class CacheServerTest {

  private static final Duration TTL = Duration.ofMinutes(5);

  @Test
  void withoutACacheUrlTheCacheUsesTheMainSettings() {
    RedisSettings settings = RedisSettings.fromEnvironment(Map.of("REDIS_HOST", "main.internal"));

    assertThat(settings.forCache()).isSameAs(settings);
  }

  @Test
  void aCacheUrlReplacesTheMainAddressAndCredentialsButKeepsTimeoutsAndKeys() {
    RedisSettings main = RedisSettings.fromEnvironment(Map.of(
        "REDIS_HOST", "main.internal",
        "REDIS_PORT", "6380",
        "REDIS_USERNAME", "app",
        "REDIS_PASSWORD", "main-secret",
        "REDIS_TLS", "true",
        "REDIS_COMMAND_TIMEOUT_MS", "1500",
        "REDIS_KEY_PREFIX", "app1:",
        "REDIS_CACHE_URL", "redis://cache.internal:6379/2"));

    RedisSettings cache = main.forCache();

    assertThat(cache.url()).isEqualTo("redis://cache.internal:6379/2");
    assertThat(cache.describeEndpoint()).isEqualTo("cache.internal:6379");
    assertThat(cache.username()).isNull();
    assertThat(cache.password()).as("the main password is not sent to another server").isNull();
    assertThat(cache.tls()).as("the URL's scheme decides").isFalse();
    assertThat(cache.commandTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(cache.keyPrefix()).isEqualTo("app1:");
    assertThat(cache.forCache()).isEqualTo(cache);
  }

  @Test
  void aCacheUrlAlsoReplacesSentinelAndClusterAddresses() {
    RedisSettings sentinel = RedisSettings.builder().sentinelMaster("mymaster")
        .sentinelNodes(List.of(new HostPort("s1", 26379))).cacheUrl("rediss://cache.internal:6380").build();
    RedisSettings cluster = RedisSettings.builder().clusterNodes(List.of(new HostPort("n1", 7000)))
        .cacheUrl("redis://cache.internal:6379").build();

    assertThat(sentinel.forCache().isSentinel()).isFalse();
    assertThat(sentinel.forCache().describeEndpoint()).isEqualTo("cache.internal:6380");
    assertThat(cluster.forCache().isCluster()).isFalse();
    assertThat(cluster.forCache().keyLayout()).as("keys stay named as in the cluster layout")
        .isEqualTo(KeyLayout.CLUSTER);
  }

  @Test
  void startConnectsToTheCacheServerAndClosesWhatItOpened(RedisEndpoint main, EmbeddedRedis cacheServer) {
    RedisSettings settings = TestRedis.settings(main).cacheUrl(cacheServer.uri()).build();
    try (RedisService onMain = RedisService.start(settings);
        RedisService onCacheServer = RedisService.start(settings.forCache())) {
      String key = onMain.keyNames().cache("users", "1");
      RedisCache cache = RedisCache.start(settings, "users", CachePolicy.defaults());
      long clientsWithCache = clients(onCacheServer);

      cache.put(key, "cached");

      assertThat(onCacheServer.exists(key)).isEqualTo(1);
      assertThat(onMain.exists(key)).isZero();
      cache.close();
      // The server drops a closed client when it reads the socket's end, a moment after the close returned.
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(clients(onCacheServer))
          .as("the cache's service and connection are closed").isEqualTo(clientsWithCache - 2));
    }
  }

  /** The way to a near cache when the main Redis is a cluster, where RedisCache refuses one. */
  @Test
  void aNearCacheWorksOnTheCacheServerWhateverTheMainTopology(RedisEndpoint main, EmbeddedRedis cacheServer) {
    RedisSettings settings = TestRedis.settings(main).cacheUrl(cacheServer.uri()).build();
    try (RedisService onCacheServer = RedisService.start(settings.forCache());
        RedisCache cache = RedisCache.start(settings, "users", CachePolicy.defaults().withNearCache(100, TTL))) {
      String key = onCacheServer.keyNames().cache("users", "1");
      cache.put(key, "cached");
      cache.get(key, String.class);

      assertThat(cache.isNearCacheArmed()).isTrue();
      assertThat(cache.get(key, String.class).orNull()).isEqualTo("cached");
      assertThat(cache.nearCacheSize()).isEqualTo(1);
      onCacheServer.set(key, "changed by another client");
      await().atMost(Duration.ofSeconds(2)).until(() -> cache.nearCacheSize() == 0);
    }
  }

  @Test
  void withoutACacheUrlStartUsesTheMainServer(RedisEndpoint main) {
    RedisSettings settings = TestRedis.settings(main).build();
    try (RedisService onMain = RedisService.start(settings);
        RedisCache cache = RedisCache.start(settings, "users", CachePolicy.defaults())) {
      String key = onMain.keyNames().cache("users", "1");

      cache.put(key, "cached");

      assertThat(onMain.exists(key)).isEqualTo(1);
    }
  }

  private static long clients(RedisService redis) {
    return redis.connection().sync().clientList().lines().filter(line -> line.contains("name=cloutsy-redis")).count();
  }
}
