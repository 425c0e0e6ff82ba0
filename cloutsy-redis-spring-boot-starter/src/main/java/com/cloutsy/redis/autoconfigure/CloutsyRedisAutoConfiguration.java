package com.cloutsy.redis.autoconfigure;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.cache.RedisCache;
import com.cloutsy.redis.codec.Codec;
import com.cloutsy.redis.config.HmacKey;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.health.Diagnostics;
import com.cloutsy.redis.health.HealthCheck;
import com.cloutsy.redis.health.RedisMeters;
import com.cloutsy.redis.login.LoginGuard;
import com.cloutsy.redis.login.LoginPolicy;
import com.cloutsy.redis.otp.OtpGuard;
import com.cloutsy.redis.otp.OtpSender;
import com.cloutsy.redis.pubsub.EventBus;
import com.cloutsy.redis.ratelimit.Cooldown;
import com.cloutsy.redis.ratelimit.RateLimiter;
import com.cloutsy.redis.session.SessionStore;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;

/**
 * The seed's global {@code RedisModule} for Spring Boot: one started {@link RedisService} (the one connection of the
 * service, closed with the context) and one bean per capability on it, each replaceable by a bean of the application
 * ({@code @ConditionalOnMissingBean}) and each switchable off ({@code cloutsy.redis.<capability>.enabled=false}).
 *
 * <p>Settings come from the seed's {@code REDIS_*} variables with the {@code cloutsy.redis.*} properties winning
 * ({@link RedisSettingsFactory}). The service runs on the Lettuce {@link ClientResources} bean when there is one
 * (Spring Data Redis defines it), so the application has one set of Lettuce event loops, not two.
 *
 * <p>{@link OtpGuard} needs an {@link OtpSender} bean of the application and {@code cloutsy.redis.otp.secret}: without
 * a sender it is not created (logged at INFO), without a secret start-up fails and says what to set.
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnBooleanProperty(name = "cloutsy.redis.enabled", matchIfMissing = true)
@EnableConfigurationProperties(CloutsyRedisProperties.class)
public final class CloutsyRedisAutoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(CloutsyRedisAutoConfiguration.class);

  /** Creates the auto-configuration; Spring does. */
  CloutsyRedisAutoConfiguration() {}

  /** The settings: the {@code REDIS_*} variables of Spring's environment, overridden by {@code cloutsy.redis.*}. */
  @Bean
  @ConditionalOnMissingBean
  RedisSettings cloutsyRedisSettings(Environment environment, CloutsyRedisProperties properties) {
    return RedisSettingsFactory.settings(environment, properties);
  }

  /**
   * The one connection of the service: started here, so a wrong address fails start-up (unless
   * {@code cloutsy.redis.lazy-connect}, which starts without Redis and connects once it answers); closed with the
   * context.
   */
  @Bean
  @ConditionalOnMissingBean
  RedisService redisService(RedisServiceFactory cloutsyRedisServiceFactory, RedisSettings settings) {
    RedisService redis = cloutsyRedisServiceFactory.start(settings);
    log.info("cloutsy-redis {} {} (key layout {}, {})", redis.isConnected() ? "connected to" : "connecting lazily to",
        settings.describeEndpoint(),
        settings.keyLayout().name().toLowerCase(Locale.ROOT),
        cloutsyRedisServiceFactory.isShared() ? "shared Lettuce resources" : "own Lettuce resources");
    return redis;
  }

  /**
   * How the services get their Lettuce resources: the {@link ClientResources} bean when there is exactly one (or a
   * primary) and {@code cloutsy.redis.share-client-resources} is on, else resources of their own adjusted by every
   * {@link RedisClientResourcesCustomizer}. A shared bean is marked as depended on, so it is shut down only after the
   * services are closed.
   */
  @Bean
  @ConditionalOnMissingBean
  RedisServiceFactory cloutsyRedisServiceFactory(CloutsyRedisProperties properties,
      ObjectProvider<ClientResources> shared, ObjectProvider<RedisClientResourcesCustomizer> customizers,
      ConfigurableListableBeanFactory beans) {
    ClientResources resources = properties.isShareClientResources() ? shared.getIfUnique() : null;
    if (resources == null) {
      return RedisServiceFactory.own(customizers.orderedStream().toList());
    }
    for (String name : beans.getBeanNamesForType(ClientResources.class)) {
      if (beans.getBean(name) == resources) {
        beans.registerDependentBean(name, "cloutsyRedisServiceFactory");
        log.info("cloutsy-redis runs on the Lettuce ClientResources bean '{}': its event loops and reconnect delay"
            + " apply, REDIS_RETRY_DELAY_ON_FAILOVER does not (cloutsy.redis.share-client-resources=false gives"
            + " cloutsy-redis resources of its own)", name);
      }
    }
    return RedisServiceFactory.shared(resources);
  }

  /** The server the caches run on: {@code REDIS_CACHE_URL}'s when set, else the main one. */
  @Bean
  @Lazy
  CacheServer cloutsyRedisCacheServer(RedisService redis, RedisServiceFactory cloutsyRedisServiceFactory) {
    return CacheServer.of(redis, cloutsyRedisServiceFactory);
  }

  /** User sessions across devices, in the seed's storage. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty(name = "cloutsy.redis.session.enabled", matchIfMissing = true)
  SessionStore sessionStore(RedisService redis, CloutsyRedisProperties properties) {
    return SessionStore.create(redis, Policies.session(properties.getSession()));
  }

  /** Brute-force login protection; it tells known devices apart once {@code login.device-secret} is set. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty(name = "cloutsy.redis.login.enabled", matchIfMissing = true)
  LoginGuard loginGuard(RedisService redis, CloutsyRedisProperties properties) {
    LoginPolicy policy = Policies.login(properties.getLogin());
    HmacKey deviceKey = Policies.deviceKey(properties.getLogin());
    if (deviceKey == null) {
      log.info("Login protection without known devices: set cloutsy.redis.login.device-secret so that an attack on an"
          + " identifier cannot lock its owner out of the devices it logged in on before");
      return LoginGuard.create(redis, policy);
    }
    return LoginGuard.create(redis, policy, deviceKey);
  }

  /** Rate limits, failing as {@code cloutsy.redis.rate-limit.failure-policy} says. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty(name = "cloutsy.redis.rate-limit.enabled", matchIfMissing = true)
  RateLimiter rateLimiter(RedisService redis, CloutsyRedisProperties properties) {
    return RateLimiter.create(redis, properties.getRateLimit().getFailurePolicy());
  }

  /** Cooldowns, failing as {@code cloutsy.redis.rate-limit.failure-policy} says. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty(name = "cloutsy.redis.rate-limit.enabled", matchIfMissing = true)
  Cooldown cooldown(RedisService redis, CloutsyRedisProperties properties) {
    return Cooldown.create(redis, properties.getRateLimit().getFailurePolicy());
  }

  /** Cache-aside on the cache's server, with the application's {@link Codec} bean when it has one. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty(name = "cloutsy.redis.cache.enabled", matchIfMissing = true)
  RedisCache redisCache(CacheServer cloutsyRedisCacheServer, CloutsyRedisProperties properties,
      ObjectProvider<Codec> codec) {
    CloutsyRedisProperties.Cache cache = properties.getCache();
    return RedisCache.create(cloutsyRedisCacheServer.service(), cache.getName(),
        Policies.cache(cache, codec.getIfUnique(Codec::json)));
  }

  /** Typed publish/subscribe, with the application's {@link Codec} bean when it has one. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty(name = "cloutsy.redis.pubsub.enabled", matchIfMissing = true)
  EventBus eventBus(RedisService redis, CloutsyRedisProperties properties, ObjectProvider<Codec> codec) {
    return EventBus.create(redis, Policies.pubsub(properties.getPubsub(), codec.getIfUnique(Codec::json)));
  }

  /** The readiness-grade health check that the Actuator indicator and the health meters read. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty(name = "cloutsy.redis.health.enabled", matchIfMissing = true)
  HealthCheck healthCheck(RedisService redis, CloutsyRedisProperties properties) {
    return HealthCheck.create(redis, Policies.health(properties.getHealth()));
  }

  /** SCAN-based key listing, big keys, slowlog: the seed's debug commands made safe. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty(name = "cloutsy.redis.diagnostics.enabled", matchIfMissing = true)
  Diagnostics diagnostics(RedisService redis, CloutsyRedisProperties properties) {
    return Diagnostics.create(redis, Policies.diagnostics(properties.getDiagnostics()));
  }

  /** OTP issuance and verification: only with an {@link OtpSender} bean, which delivers the codes. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(name = "cloutsy.redis.otp.enabled", matchIfMissing = true)
  static class OtpConfiguration {

    OtpConfiguration(ListableBeanFactory beans) {
      if (beans.getBeanNamesForType(OtpSender.class, true, false).length == 0
          && beans.getBeanNamesForType(OtpGuard.class, true, false).length == 0) {
        log.info("No OtpSender bean, so no OtpGuard bean: declare a @Bean OtpSender that delivers the codes (by SMS)"
            + " to get one, or set cloutsy.redis.otp.enabled=false to turn OTP off");
      }
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(OtpSender.class)
    OtpGuard otpGuard(RedisService redis, CloutsyRedisProperties properties, OtpSender sender,
        Environment environment) {
      return OtpGuard.create(redis, Policies.otp(properties.getOtp(), environment), sender);
    }
  }

  /** Publishes the meters of the cache's own server, when {@code REDIS_CACHE_URL} gives it one. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
  @ConditionalOnBooleanProperty(name = "cloutsy.redis.metrics.enabled", matchIfMissing = true)
  static class CacheServerMetricsConfiguration {

    @Bean
    MeterBinder cloutsyRedisCacheServerMeters(RedisSettings settings, ObjectProvider<CacheServer> cacheServer) {
      return registry -> {
        if (settings.cacheUrl() != null) {
          CacheServer server = cacheServer.getObject();
          if (server.isSeparate()) {
            RedisMeters.create(server.service()).bindTo(registry);
          }
        }
      };
    }
  }
}
