package com.cloutsy.redis.autoconfigure.web;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.autoconfigure.CloutsyRedisAutoConfiguration;
import com.cloutsy.redis.autoconfigure.CloutsyRedisProperties;
import com.cloutsy.redis.ratelimit.RateLimiter;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The Spring MVC helpers, only in a servlet web application with Spring MVC: {@link RateLimited} routes through
 * {@link RateLimitInterceptor} ({@code cloutsy.redis.web.rate-limit.enabled}) and the 503 answer of
 * {@link RedisUnavailableHandler} ({@code cloutsy.redis.web.unavailable.enabled}). Who is calling comes from the
 * {@link RateLimitKeyResolver} bean, the default unless the application declares one.
 */
@AutoConfiguration(after = CloutsyRedisAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({DispatcherServlet.class, WebMvcConfigurer.class})
@ConditionalOnBean(RedisService.class)
public final class CloutsyRedisWebAutoConfiguration {

  /** Creates the auto-configuration; Spring does. */
  CloutsyRedisWebAutoConfiguration() {}

  /** The 503 answer to {@code RedisUnavailableException}. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty(name = "cloutsy.redis.web.unavailable.enabled", matchIfMissing = true)
  RedisUnavailableHandler redisUnavailableHandler(CloutsyRedisProperties properties) {
    return new RedisUnavailableHandler(properties.getWeb().getUnavailable().getRetryAfter());
  }

  /** Rate limits on {@code @RateLimited} routes. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(name = "cloutsy.redis.web.rate-limit.enabled", matchIfMissing = true)
  static class RateLimitConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RateLimitKeyResolver rateLimitKeyResolver() {
      return RateLimitKeyResolver.DEFAULT;
    }

    @Bean
    @ConditionalOnMissingBean
    RateLimitInterceptor rateLimitInterceptor(RedisService redis, RateLimitKeyResolver resolver,
        CloutsyRedisProperties properties, ListableBeanFactory beans) {
      CloutsyRedisProperties.Web.WebRateLimit config = properties.getWeb().getRateLimit();
      return new RateLimitInterceptor(RateLimiter.create(redis, config.getFailurePolicy()), redis.keyNames(), resolver,
          config, beans);
    }

    @Bean
    WebMvcConfigurer cloutsyRedisRateLimitRegistration(RateLimitInterceptor interceptor) {
      return new WebMvcConfigurer() {
        @Override
        public void addInterceptors(InterceptorRegistry registry) {
          registry.addInterceptor(interceptor);
        }
      };
    }
  }
}
