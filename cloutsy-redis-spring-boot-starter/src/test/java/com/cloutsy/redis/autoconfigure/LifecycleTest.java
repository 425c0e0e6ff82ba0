package com.cloutsy.redis.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.autoconfigure.actuate.CloutsyRedisHealthAutoConfiguration;
import com.cloutsy.redis.autoconfigure.actuate.CloutsyRedisMetricsAutoConfiguration;
import com.cloutsy.redis.cache.RedisCache;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.health.HealthCheck;
import com.cloutsy.redis.pubsub.EventBus;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;

/** Closing the context closes every bean: no Lettuce or cloutsy threads and no server connections are left. */
@WithRedis
class LifecycleTest {

  private static final String CLIENT_NAME = "cloutsy-redis";

  private static ApplicationContextRunner everything(EmbeddedRedis server) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CloutsyRedisAutoConfiguration.class,
            CloutsyRedisCacheManagerAutoConfiguration.class, CloutsyRedisHealthAutoConfiguration.class,
            CloutsyRedisMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
            SimpleMetricsExportAutoConfiguration.class))
        .withPropertyValues("cloutsy.redis.url=" + server.uri(), "cloutsy.redis.cache.near-cache.size=100",
            "cloutsy.redis.cache.spring-cache-manager=true");
  }

  @Test
  void closingTheContextLeavesNoThreadsAndNoConnections(EmbeddedRedis server) {
    Set<Thread> before = clientThreads();
    everything(server).run(context -> exerciseEverything(context.getBean(RedisService.class),
        context.getBean(EventBus.class), context.getBean(RedisCache.class), context.getBean(HealthCheck.class),
        context.getBean(CacheManager.class), server));
    assertNothingLeft(server, before);
  }

  @Test
  void closingTheContextLeavesNothingAlsoOnSharedClientResources(EmbeddedRedis server) {
    Set<Thread> before = clientThreads();
    everything(server)
        .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
        .withPropertyValues("spring.data.redis.url=" + server.uri())
        .run(context -> exerciseEverything(context.getBean(RedisService.class), context.getBean(EventBus.class),
            context.getBean(RedisCache.class), context.getBean(HealthCheck.class),
            context.getBean(CacheManager.class), server));
    assertNothingLeft(server, before);
  }

  @Test
  void theCacheRunsOnItsOwnServerAndClosesItsConnectionsThere(EmbeddedRedis main, EmbeddedRedis cacheServer) {
    Set<Thread> before = clientThreads();
    everything(main).withPropertyValues("cloutsy.redis.cache-url=" + cacheServer.uri()).run(context -> {
      RedisCache cache = context.getBean(RedisCache.class);
      RedisService redis = context.getBean(RedisService.class);
      cache.put(redis.keyNames().cache("users", "42"), "alice");
      context.getBean(CacheManager.class).getCache("products").get("p1", () -> "x");
      assertThat(redis.exists(redis.keyNames().cache("users", "42"))).isZero();
      try (RedisService onCacheServer = RedisService.start(redis.settings().forCache())) {
        assertThat(onCacheServer.exists(redis.keyNames().cache("users", "42"))).isEqualTo(1);
        assertThat(onCacheServer.exists(redis.keyNames().cache("products", "p1"))).isEqualTo(1);
      }
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(registry.find("cloutsy.redis.cache.gets").tag("cache", "spring").functionCounters())
          .as("the cache server's counters are bound too").isNotEmpty();
      assertThat(ServerClients.named(cacheServer.host(), cacheServer.port(), CLIENT_NAME)).isPositive();
    });
    assertNothingLeft(main, before);
    assertThat(ServerClients.named(cacheServer.host(), cacheServer.port(), CLIENT_NAME)).isZero();
  }

  private static void exerciseEverything(RedisService redis, EventBus bus, RedisCache cache, HealthCheck health,
      CacheManager springCaches, EmbeddedRedis server) {
    CopyOnWriteArrayList<String> received = new CopyOnWriteArrayList<>();
    bus.subscribe("lifecycle", String.class, (channel, event) -> received.add(event));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      bus.publish("lifecycle", "hello");
      assertThat(received).isNotEmpty();
    });
    String key = redis.keyNames().cache("lifecycle", "1");
    cache.getOrLoad(key, String.class, () -> "v");
    assertThat(cache.getOrLoad(key, String.class, () -> "other")).isEqualTo("v");
    assertThat(springCaches.getCache("lifecycle").get("k", () -> "v")).isEqualTo("v");
    assertThat(health.health().isUp()).isTrue();
    assertThat(ServerClients.named(server.host(), server.port(), CLIENT_NAME))
        .as("main, pub/sub, cache, near cache, Spring cache and its near cache").isGreaterThanOrEqualTo(6);
  }

  private static void assertNothingLeft(EmbeddedRedis server, Set<Thread> before) {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      Set<Thread> left = clientThreads();
      left.removeAll(before);
      assertThat(left.stream().map(Thread::getName).collect(Collectors.toSet())).isEmpty();
      assertThat(ServerClients.named(server.host(), server.port(), CLIENT_NAME)).isZero();
    });
  }

  private static Set<Thread> clientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith("lettuce-") || thread.getName().startsWith("cloutsy-"))
        .collect(Collectors.toSet());
  }
}
