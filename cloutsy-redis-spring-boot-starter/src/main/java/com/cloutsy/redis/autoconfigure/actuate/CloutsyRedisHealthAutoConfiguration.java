package com.cloutsy.redis.autoconfigure.actuate;

import com.cloutsy.redis.autoconfigure.CloutsyRedisAutoConfiguration;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.health.HealthCheck;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code redis} health indicator, when Spring Boot's health module is on the class path (Actuator brings it) and
 * the {@link HealthCheck} bean exists. Off with {@code management.health.redis.enabled=false}.
 *
 * <p>It runs before Spring Data Redis's health auto-configurations, which then step back: their indicator would only
 * PING Spring Data Redis's connection under the same name.
 */
@AutoConfiguration(after = CloutsyRedisAutoConfiguration.class, beforeName = {
    "org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration",
    "org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration"})
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(HealthCheck.class)
@ConditionalOnEnabledHealthIndicator("redis")
public final class CloutsyRedisHealthAutoConfiguration {

  /** Creates the auto-configuration; Spring does. */
  CloutsyRedisHealthAutoConfiguration() {}

  /** The indicator; its bean name makes the component name {@code redis}. */
  @Bean
  @ConditionalOnMissingBean(name = "redisHealthIndicator")
  CloutsyRedisHealthIndicator redisHealthIndicator(HealthCheck check, RedisSettings settings) {
    return new CloutsyRedisHealthIndicator(check, settings.describeEndpoint());
  }
}
