package com.cloutsy.redis.demo.ops;

import com.cloutsy.redis.autoconfigure.CloutsyRedisProperties;
import com.cloutsy.redis.autoconfigure.RateLimitKey;
import com.cloutsy.redis.autoconfigure.web.RateLimited;
import com.cloutsy.redis.ratelimit.RateLimit;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The named limits of the service's {@link RateLimited} routes, resolved as the starter's interceptor resolves them
 * (a {@code cloutsy.redis.web.rate-limit.policies.<name>} value over the annotation's over the defaults), so the ops
 * page can show the state of any caller's count with the same limit. Every route of the demo names its limit;
 * routes without a name are not listed. Found once, on first use.
 */
@Component
class RouteLimits {

  /**
   * One named limit.
   *
   * @param key whom it counts: {@code USER} (anonymous callers by address) or {@code IP}
   */
  record Route(String name, RateLimit limit, RateLimitKey key) {}

  private final ListableBeanFactory beans;
  private final CloutsyRedisProperties.Web.WebRateLimit config;
  private volatile @Nullable Map<String, Route> routes;

  RouteLimits(ListableBeanFactory beans, CloutsyRedisProperties properties) {
    this.beans = beans;
    this.config = properties.getWeb().getRateLimit();
  }

  /** The named limits by name. */
  Map<String, Route> routes() {
    Map<String, Route> found = routes;
    if (found == null) {
      found = new TreeMap<>();
      for (RequestMappingHandlerMapping mapping : beans.getBeansOfType(RequestMappingHandlerMapping.class).values()) {
        for (HandlerMethod handler : mapping.getHandlerMethods().values()) {
          RateLimited annotation = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), RateLimited.class);
          if (annotation != null && !annotation.name().isEmpty()) {
            found.putIfAbsent(annotation.name(), resolve(annotation));
          }
        }
      }
      routes = found;
    }
    return found;
  }

  private Route resolve(RateLimited annotation) {
    CloutsyRedisProperties.Web.Policy policy = config.getPolicies().get(annotation.name());
    Long limit = policy != null && policy.getLimit() != null ? policy.getLimit()
        : Long.valueOf(annotation.limit() > 0 ? annotation.limit() : config.getDefaultLimit());
    Duration window = policy != null && policy.getWindow() != null ? policy.getWindow()
        : annotation.window().isBlank() ? config.getDefaultWindow() : DurationStyle.detectAndParse(annotation.window());
    long burst = policy != null && policy.getBurst() != null ? policy.getBurst() : annotation.burst();
    RateLimitKey key = policy != null && policy.getKey() != null ? policy.getKey() : annotation.key();
    return new Route(annotation.name(), new RateLimit(limit, window, burst,
        policy != null && policy.getAlgorithm() != null ? policy.getAlgorithm() : config.getAlgorithm()), key);
  }
}
