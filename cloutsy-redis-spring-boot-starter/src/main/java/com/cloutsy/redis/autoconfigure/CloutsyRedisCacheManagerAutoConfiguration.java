package com.cloutsy.redis.autoconfigure;

import com.cloutsy.redis.codec.Codec;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;

/**
 * Opt-in ({@code cloutsy.redis.cache.spring-cache-manager=true}): a {@link CloutsyCacheManager} as the application's
 * {@link CacheManager}, before Spring Boot's own cache auto-configuration, which then backs off. {@code @Cacheable}
 * still needs {@code @EnableCaching}. The caches run on {@code REDIS_CACHE_URL}'s server when it is set, and may hold
 * values of the application's packages (those of {@code @SpringBootApplication}) and of
 * {@code cloutsy.redis.cache.allowed-packages}.
 */
@AutoConfiguration(after = CloutsyRedisAutoConfiguration.class,
    beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnBooleanProperty("cloutsy.redis.cache.spring-cache-manager")
@ConditionalOnBean(CacheServer.class)
public final class CloutsyRedisCacheManagerAutoConfiguration {

  /** Creates the auto-configuration; Spring does. */
  CloutsyRedisCacheManagerAutoConfiguration() {}

  /** The cache manager on the cache's server. */
  @Bean
  @ConditionalOnMissingBean(CacheManager.class)
  CloutsyCacheManager cacheManager(CacheServer cloutsyRedisCacheServer, CloutsyRedisProperties properties,
      BeanFactory beanFactory) {
    CloutsyRedisProperties.Cache cache = properties.getCache();
    List<String> packages = new ArrayList<>(cache.getAllowedPackages());
    if (AutoConfigurationPackages.has(beanFactory)) {
      packages.addAll(AutoConfigurationPackages.get(beanFactory));
    }
    try {
      return CloutsyCacheManager.create(cloutsyRedisCacheServer.service(), Policies.cache(cache, Codec.json()),
          cache.getTtls(), packages);
    } catch (IllegalArgumentException refused) {
      throw new RedisPropertyException("cloutsy.redis.cache.ttls", "cloutsy.redis.cache.ttls: " + refused.getMessage(),
          "Correct cloutsy.redis.cache.ttls: each cache name must be usable in a key and each TTL at least 1 ms.",
          refused);
    }
  }
}
