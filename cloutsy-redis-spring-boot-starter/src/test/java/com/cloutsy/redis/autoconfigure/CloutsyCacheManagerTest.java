package com.cloutsy.redis.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.codec.CodecException;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@WithRedis
class CloutsyCacheManagerTest {

  /** A value of the application's own package, which the cache may read back. */
  record Product(String id, String name, BigDecimal price, List<String> tags) {}

  /** A value of a package the cache may not read back. */
  private static final Object FOREIGN = new java.awt.Point(1, 2);

  private final ApplicationContextRunner runner;

  CloutsyCacheManagerTest(RedisEndpoint endpoint) {
    this.runner = TestContexts.runner(endpoint)
        .withConfiguration(AutoConfigurations.of(CloutsyRedisCacheManagerAutoConfiguration.class,
            CacheAutoConfiguration.class));
  }

  @Test
  void theCacheManagerIsOptIn() {
    runner.withUserConfiguration(CachingConfiguration.class).run(context ->
        assertThat(context.getBean(CacheManager.class)).isNotInstanceOf(CloutsyCacheManager.class));
    runner.withUserConfiguration(CachingConfiguration.class)
        .withPropertyValues("cloutsy.redis.cache.spring-cache-manager=true")
        .run(context -> assertThat(context).hasSingleBean(CacheManager.class)
            .getBean(CacheManager.class).isInstanceOf(CloutsyCacheManager.class));
  }

  @Test
  void cacheableMethodsRunOncePerKeyAndACachedNullIsAHit() {
    runner.withUserConfiguration(CachingConfiguration.class)
        .withPropertyValues("cloutsy.redis.cache.spring-cache-manager=true")
        .run(context -> {
          Catalog catalog = context.getBean(Catalog.class);
          Product first = catalog.product("p1");
          assertThat(catalog.product("p1")).isEqualTo(first).isNotSameAs(first);
          assertThat(catalog.product("missing")).isNull();
          assertThat(catalog.product("missing")).isNull();
          catalog.product("p2");
          assertThat(catalog.loads()).isEqualTo(3);

          catalog.forget("p1");
          catalog.product("p1");
          assertThat(catalog.loads()).isEqualTo(4);
        });
  }

  @Test
  void synchronizedAndAsynchronousCacheableMethodsUseTheLoadingLookups() {
    runner.withUserConfiguration(CachingConfiguration.class)
        .withPropertyValues("cloutsy.redis.cache.spring-cache-manager=true")
        .run(context -> {
          Catalog catalog = context.getBean(Catalog.class);
          assertThat(catalog.productSync("s1")).isEqualTo(catalog.productSync("s1"));
          assertThat(catalog.productAsync("a1").get()).isEqualTo(catalog.productAsync("a1").get());
          assertThat(catalog.loads()).isEqualTo(2);
        });
  }

  @Test
  void valuesComeBackAsTheTypesTheyWereStoredAs() {
    runner.withPropertyValues("cloutsy.redis.cache.spring-cache-manager=true",
            "cloutsy.redis.cache.allowed-packages=com.cloutsy.redis.autoconfigure")
        .run(context -> {
          Cache cache = context.getBean(CacheManager.class).getCache("values");
          Map<String, Object> map = new LinkedHashMap<>();
          map.put("count", 3L);
          map.put("when", Instant.parse("2025-01-02T03:04:05Z"));
          List<Object> values = List.of("text", 42, 7L, 2.5, true, Instant.parse("2025-01-02T03:04:05Z"),
              new BigDecimal("12.30"), List.of(new Product("p", "n", BigDecimal.ONE, List.of("a"))), map,
              Set.of("x"), new Product("q", "m", BigDecimal.TEN, List.of()));
          for (int i = 0; i < values.size(); i++) {
            cache.put("k" + i, values.get(i));
          }
          for (int i = 0; i < values.size(); i++) {
            int index = i;
            await().untilAsserted(() -> assertThat(cache.get("k" + index)).isNotNull());
            assertThat(cache.get("k" + i).get()).as("value %s", values.get(i)).isEqualTo(values.get(i));
          }
        });
  }

  @Test
  void theSpringCacheContractHolds() {
    runner.withPropertyValues("cloutsy.redis.cache.spring-cache-manager=true",
            "cloutsy.redis.cache.allowed-packages=com.cloutsy.redis.autoconfigure")
        .run(context -> {
          Cache cache = context.getBean(CacheManager.class).getCache("contract");
          assertThat(cache.get("absent")).isNull();
          assertThat(cache.get("absent", String.class)).isNull();

          cache.put("nothing", null);
          await().untilAsserted(() -> assertThat(cache.get("nothing")).isNotNull());
          assertThat(cache.get("nothing").get()).isNull();

          assertThat(cache.get("loaded", () -> "value")).isEqualTo("value");
          assertThat(cache.get("loaded", () -> "other")).isEqualTo("value");
          assertThat(cache.get("loaded", String.class)).isEqualTo("value");
          assertThatThrownBy(() -> cache.get("loaded", Integer.class)).isInstanceOf(IllegalStateException.class);
          assertThatThrownBy(() -> cache.get("failing", () -> {
            throw new java.io.IOException("database down");
          })).isInstanceOf(Cache.ValueRetrievalException.class).hasRootCauseMessage("database down");

          assertThat(cache.retrieve("loaded").get()).isEqualTo("value");
          assertThat(cache.retrieve("absent").get()).isNull();
          assertThat(cache.retrieve("nothing").get()).isInstanceOf(Cache.ValueWrapper.class);
          assertThat(cache.retrieve("async", () -> CompletableFuture.completedFuture("later")).get())
              .isEqualTo("later");
          assertThat(cache.get("async", String.class)).isEqualTo("later");

          assertThat(cache.evictIfPresent("loaded")).isTrue();
          assertThat(cache.evictIfPresent("loaded")).isFalse();
          assertThat(cache.putIfAbsent("async", "again").get()).isEqualTo("later");

          assertThatThrownBy(() -> cache.put("foreign", FOREIGN)).isInstanceOf(CodecException.class)
              .hasMessageContaining("cloutsy.redis.cache.allowed-packages");
        });
  }

  @Test
  void clearRemovesOneCacheOnlyAndEachCacheHasItsTtl() {
    runner.withPropertyValues("cloutsy.redis.cache.spring-cache-manager=true", "cloutsy.redis.cache.ttls.short=2s",
            "cloutsy.redis.cache.ttl-jitter-percent=0")
        .run(context -> {
          CloutsyCacheManager manager = context.getBean(CloutsyCacheManager.class);
          Cache shortLived = manager.getCache("short");
          Cache other = manager.getCache("other");
          assertThat(shortLived.get("a", () -> "1")).isEqualTo("1");
          assertThat(other.get("a", () -> "2")).isEqualTo("2");
          RedisService redis = context.getBean(RedisService.class);
          long ttl = redis.connection().sync().pttl(redis.keyNames().cache("short", "a"));
          assertThat(ttl).isBetween(1L, 2000L);

          assertThat(shortLived.invalidate()).isTrue();
          assertThat(shortLived.get("a")).isNull();
          assertThat(other.get("a").get()).isEqualTo("2");
          assertThat(manager.getCacheNames()).contains("short", "other");
        });
  }

  @Test
  void whenRedisIsDownCacheableMethodsStillAnswer(EmbeddedRedis server) {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CloutsyRedisAutoConfiguration.class,
            CloutsyRedisCacheManagerAutoConfiguration.class, CacheAutoConfiguration.class))
        .withUserConfiguration(CachingConfiguration.class)
        .withPropertyValues("cloutsy.redis.url=" + server.uri(), "cloutsy.redis.command-timeout=300ms",
            "cloutsy.redis.cache.spring-cache-manager=true")
        .run(context -> {
          Catalog catalog = context.getBean(Catalog.class);
          catalog.product("p1");
          server.stop();
          assertThat(catalog.product("p1")).isNotNull();
          assertThat(catalog.productSync("p2")).isNotNull();
          assertThat(catalog.loads()).isEqualTo(3);
        });
  }

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  @AutoConfigurationPackage
  static class CachingConfiguration {
    @Bean
    Catalog catalog() {
      return new Catalog();
    }
  }

  /** A service whose methods count how often they really run. */
  static class Catalog {
    private final AtomicInteger loads = new AtomicInteger();

    public int loads() {
      return loads.get();
    }

    @Cacheable("products")
    public Product product(String id) {
      loads.incrementAndGet();
      return id.equals("missing") ? null : new Product(id, "Product " + id, new BigDecimal("9.99"), List.of("new"));
    }

    @Cacheable(cacheNames = "products", sync = true)
    public Product productSync(String id) {
      return product(id);
    }

    @Cacheable("async-products")
    public CompletableFuture<Product> productAsync(String id) {
      loads.incrementAndGet();
      return CompletableFuture.supplyAsync(() -> new Product(id, "Product " + id, BigDecimal.ONE, List.of()));
    }

    @CacheEvict("products")
    public void forget(String id) {}
  }
}
