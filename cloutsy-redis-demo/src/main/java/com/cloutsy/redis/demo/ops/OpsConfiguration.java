package com.cloutsy.redis.demo.ops;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.autoconfigure.web.RateLimitKeyResolver;
import com.cloutsy.redis.demo.DemoProperties;
import com.cloutsy.redis.ratelimit.FailurePolicy;
import com.cloutsy.redis.ratelimit.RateLimit;
import com.cloutsy.redis.ratelimit.RateLimiter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ops page and what the ops key guards: {@code /ops} serves the static page ({@code static/ops/});
 * {@link OpsRateLimit} then {@link OpsAccess} guard {@code /ops/api/**}; {@link OpsAccess} also guards publishing a
 * notification ({@code POST /api/notifications}, a service's call) and, through {@link ActuatorAccess}, every
 * Actuator endpoint but health. The page and its files get headers that allow only its own scripts and styles and no
 * framing.
 *
 * <p>A bad {@code demo.ops.key} fails start-up, naming the setting and the rule, never the key.
 */
@Configuration(proxyBeanMethods = false)
class OpsConfiguration implements WebMvcConfigurer {

  private static final Logger log = LoggerFactory.getLogger(OpsConfiguration.class);

  private final OpsAccess access;
  private final OpsAccess publishing;
  private final OpsRateLimit rateLimit;

  OpsConfiguration(DemoProperties properties, Environment environment, RedisService redis,
      RateLimitKeyResolver resolver) {
    boolean dev = environment.acceptsProfiles(Profiles.of("dev & !prod"));
    OpsKey key = key(properties.ops().key());
    this.access = new OpsAccess(key, dev, HttpStatus.FORBIDDEN);
    this.publishing = new OpsAccess(key, dev, HttpStatus.UNAUTHORIZED);
    this.rateLimit = new OpsRateLimit(RateLimiter.create(redis, FailurePolicy.FAIL_CLOSED), redis.keyNames(),
        resolver, RateLimit.of(properties.ops().requestsPerMinute(), Duration.ofMinutes(1)));
    if (key == null) {
      log.info(dev ? "Ops endpoints, metrics and publishing: open to this machine only (dev profile, no demo.ops.key)"
          : "Ops endpoints, metrics and publishing: off until demo.ops.key (DEMO_OPS_KEY) is set");
    }
  }

  /** Every Actuator endpoint but health needs what the ops endpoints need. */
  @Bean
  FilterRegistrationBean<ActuatorAccess> actuatorAccess(Environment environment, JsonMapper json) {
    String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator");
    FilterRegistrationBean<ActuatorAccess> registration =
        new FilterRegistrationBean<>(new ActuatorAccess(access, basePath, json));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    return registration;
  }

  /**
   * The key {@code demo.ops.key} gives, or null when it is not set.
   *
   * @throws IllegalStateException when it is set but not Base64 of 32 random bytes, naming the setting and the rule
   */
  private static @Nullable OpsKey key(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return OpsKey.fromBase64(text);
    } catch (IllegalArgumentException invalid) {
      throw new IllegalStateException("demo.ops.key (DEMO_OPS_KEY): " + invalid.getMessage(), invalid);
    }
  }

  @Override
  public void addViewControllers(ViewControllerRegistry registry) {
    registry.addViewController("/ops").setViewName("forward:/ops/index.html");
    registry.addViewController("/ops/").setViewName("forward:/ops/index.html");
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    // Counted before the key is checked, so that guesses are limited too.
    registry.addInterceptor(rateLimit).addPathPatterns("/ops/api/**").order(Ordered.HIGHEST_PRECEDENCE);
    registry.addInterceptor(access).addPathPatterns("/ops/api/**").order(Ordered.HIGHEST_PRECEDENCE + 1);
    // Only POST answers this exact path (the stream is /api/notifications/stream); before its rate limit (order 0).
    registry.addInterceptor(publishing).addPathPatterns("/api/notifications").order(Ordered.HIGHEST_PRECEDENCE + 1);
    registry.addInterceptor(new HandlerInterceptor() {
      @Override
      public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        response.setHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-store");
        return true;
      }
    }).addPathPatterns("/ops", "/ops/**");
  }
}
