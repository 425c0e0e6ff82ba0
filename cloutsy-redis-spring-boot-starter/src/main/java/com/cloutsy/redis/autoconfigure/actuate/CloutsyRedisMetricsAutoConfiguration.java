package com.cloutsy.redis.autoconfigure.actuate;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.autoconfigure.CloutsyRedisAutoConfiguration;
import com.cloutsy.redis.autoconfigure.RedisClientResourcesCustomizer;
import com.cloutsy.redis.health.HealthCheck;
import com.cloutsy.redis.health.RedisMeters;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer meters, when Micrometer is on the class path: {@link RedisMeters} as a {@code MeterBinder} bean (the
 * feature counters, {@code cloutsy.redis.connected} and, with the {@link HealthCheck} bean, the gauges of its latest
 * report), bound by Spring Boot to every registry; and Lettuce's command latencies
 * ({@code lettuce.command.completion|firstresponse}) recorded into the application's registry, on the starter's own
 * Lettuce resources or, when they are shared, on Spring Data Redis's (which then also records its own commands). Off
 * with {@code cloutsy.redis.metrics.enabled=false}.
 */
@AutoConfiguration(after = CloutsyRedisAutoConfiguration.class,
    afterName = {"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "cloutsy.redis.metrics.enabled", matchIfMissing = true)
@ConditionalOnBean(RedisService.class)
public final class CloutsyRedisMetricsAutoConfiguration {

  /** Creates the auto-configuration; Spring does. */
  CloutsyRedisMetricsAutoConfiguration() {}

  /** Records every command's latency into the registry, when there is one, on the starter's own resources. */
  @Bean
  RedisClientResourcesCustomizer cloutsyRedisCommandLatency(ObjectProvider<MeterRegistry> registry) {
    return builder -> registry.ifUnique(meters -> builder.commandLatencyRecorder(RedisMeters.latencyRecorder(meters)));
  }

  /** The service's counters and connection gauge, with the health gauges when the check exists. */
  @Bean
  @ConditionalOnMissingBean
  RedisMeters cloutsyRedisMeters(RedisService redis, ObjectProvider<HealthCheck> health) {
    RedisMeters meters = RedisMeters.create(redis);
    HealthCheck check = health.getIfUnique();
    return check == null ? meters : meters.withHealth(check);
  }

  /** Records command latencies on Spring Data Redis's resources when the starter shares them. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ClientResourcesBuilderCustomizer.class)
  @ConditionalOnBooleanProperty(name = "cloutsy.redis.share-client-resources", matchIfMissing = true)
  static class SharedResourcesLatencyConfiguration {

    @Bean
    ClientResourcesBuilderCustomizer cloutsyRedisSharedCommandLatency(ObjectProvider<MeterRegistry> registry) {
      return builder -> registry.ifUnique(
          meters -> builder.commandLatencyRecorder(RedisMeters.latencyRecorder(meters)));
    }
  }
}
