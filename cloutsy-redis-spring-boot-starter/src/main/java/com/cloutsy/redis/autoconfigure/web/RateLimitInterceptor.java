package com.cloutsy.redis.autoconfigure.web;

import com.cloutsy.redis.autoconfigure.CloutsyRedisProperties;
import com.cloutsy.redis.autoconfigure.RateLimitKey;
import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.ratelimit.Decision;
import com.cloutsy.redis.ratelimit.FailurePolicy;
import com.cloutsy.redis.ratelimit.RateLimit;
import com.cloutsy.redis.ratelimit.RateLimitHeaders;
import com.cloutsy.redis.ratelimit.RateLimiter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.MediaType;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Applies {@link RateLimited} to Spring MVC routes: before the controller runs, one {@link RateLimiter} decision on
 * {@code api:limit:<who>:<route>} (one Redis round trip), the {@link RateLimitHeaders} on the response, and for a
 * denied request a 429 with {@code Retry-After} and a JSON body, without calling the controller.
 *
 * <p>Who: for {@link RateLimitKey#USER}, the {@link RateLimitKeyResolver}'s user id, or {@code ip:<address>} for an
 * anonymous request; for {@link RateLimitKey#IP}, always {@code ip:<address>}. The route: the annotation's
 * {@link RateLimited#name()}, else the HTTP method and the path pattern.
 *
 * <p>Every annotated handler method's limit is checked once at start-up, so a bad {@code window} or limit fails
 * start-up naming the method, not the first request. Thread-safe; each route's limit is resolved once and kept.
 */
public class RateLimitInterceptor implements HandlerInterceptor, SmartInitializingSingleton {

  private static final String ANONYMOUS = "ip:";
  private static final int MAX_POLICY_NAME = 64;

  /** A handler method's limit, resolved from the annotation and the properties, and the limiter of its policy. */
  private record Route(String name, RateLimit limit, RateLimitKey key, RateLimiter limiter) {}

  private record RouteId(Method method, @Nullable String pattern, String httpMethod) {}



  private final RateLimiter limiter;
  private final Keys keys;
  private final RateLimitKeyResolver resolver;
  private final CloutsyRedisProperties.Web.WebRateLimit config;
  private final @Nullable ListableBeanFactory beans;
  /** Each route seen, empty for one without a limit. */
  private final Map<RouteId, Optional<Route>> routes = new ConcurrentHashMap<>();

  /**
   * An interceptor deciding with {@code limiter}.
   *
   * @param limiter decides; its failure policy applies while Redis cannot be asked to routes that name none
   * @param keys the key layout of the limiter's service
   * @param resolver tells who is calling
   * @param config the defaults and the named policies
   * @param beans where to find the handler mappings whose annotations are checked at start-up, or null to skip that
   */
  public RateLimitInterceptor(RateLimiter limiter, Keys keys, RateLimitKeyResolver resolver,
      CloutsyRedisProperties.Web.WebRateLimit config, @Nullable ListableBeanFactory beans) {
    this.limiter = Objects.requireNonNull(limiter, "limiter must not be null");
    this.keys = Objects.requireNonNull(keys, "keys must not be null");
    this.resolver = Objects.requireNonNull(resolver, "resolver must not be null");
    this.config = Objects.requireNonNull(config, "config must not be null");
    this.beans = beans;
  }

  /**
   * Checks the limit of every annotated handler method, so a bad one fails start-up.
   *
   * @throws IllegalStateException naming the method and what is wrong with its limit
   */
  @Override
  public void afterSingletonsInstantiated() {
    if (beans == null) {
      return;
    }
    for (RequestMappingHandlerMapping mapping : beans.getBeansOfType(RequestMappingHandlerMapping.class).values()) {
      mapping.getHandlerMethods().values().forEach(handler -> route(handler, "", ""));
    }
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
      throws IOException {
    // An async request (SSE, DeferredResult) is dispatched again when it completes; it was counted once already.
    if (!(handler instanceof HandlerMethod method) || request.getDispatcherType() == DispatcherType.ASYNC) {
      return true;
    }
    String pattern = (String) request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    Optional<Route> limited = routes.computeIfAbsent(new RouteId(method.getMethod(), pattern, request.getMethod()),
        id -> Optional.ofNullable(route(method, id.httpMethod(), pattern)));
    if (limited.isEmpty()) {
      return true;
    }
    Route route = limited.get();
    Decision decision = route.limiter().tryAcquire(keys.apiLimit(caller(request, route.key()), route.name()),
        route.limit());
    RateLimitHeaders.of(policyName(route.name()), route.limit(), decision).forEach(response::setHeader);
    if (decision.allowed()) {
      return true;
    }
    response.setStatus(429);
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.getWriter().write(JsonError.of("rate_limited", "Too many requests for " + route.name() + ": the limit"
        + " is " + route.limit().limit() + " per " + describe(route.limit().window()) + ". Retry after "
        + RateLimitHeaders.retryAfter(decision.retryAfter()) + " s."));
    return false;
  }

  @Override
  public String toString() {
    return "RateLimitInterceptor[" + limiter.failurePolicy() + ", " + routes.size() + " routes seen]";
  }

  private String caller(HttpServletRequest request, RateLimitKey key) {
    String user = key == RateLimitKey.USER ? resolver.userId(request) : null;
    return user != null && !user.isEmpty() ? user : ANONYMOUS + resolver.clientAddress(request);
  }

  /** The route's limit, or null when the method is not rate-limited. */
  private @Nullable Route route(HandlerMethod handler, String httpMethod, @Nullable String pattern) {
    RateLimited annotation = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), RateLimited.class);
    if (annotation == null) {
      annotation = AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), RateLimited.class);
    }
    if (annotation == null) {
      return null;
    }
    String where = handler.getBeanType().getName() + "." + handler.getMethod().getName();
    CloutsyRedisProperties.Web.Policy policy = annotation.name().isEmpty() ? null
        : config.getPolicies().get(annotation.name());
    try {
      long limit = policy != null && policy.getLimit() != null ? policy.getLimit()
          : annotation.limit() > 0 ? annotation.limit() : config.getDefaultLimit();
      Duration window = policy != null && policy.getWindow() != null ? policy.getWindow()
          : annotation.window().isBlank() ? config.getDefaultWindow()
        : DurationStyle.detectAndParse(annotation.window());
      long burst = policy != null && policy.getBurst() != null ? policy.getBurst() : annotation.burst();
      RateLimitKey key = policy != null && policy.getKey() != null ? policy.getKey() : annotation.key();
      RateLimit rateLimit = new RateLimit(limit, window, burst,
          policy != null && policy.getAlgorithm() != null ? policy.getAlgorithm() : config.getAlgorithm());
      String name = !annotation.name().isEmpty() ? annotation.name()
          : (httpMethod + " " + (pattern != null ? pattern : where)).strip();
      if (annotation.failurePolicy().length > 1) {
        throw new IllegalArgumentException("failurePolicy takes at most one value, has "
            + annotation.failurePolicy().length);
      }
      FailurePolicy failure = policy != null && policy.getFailurePolicy() != null ? policy.getFailurePolicy()
          : annotation.failurePolicy().length == 1 ? annotation.failurePolicy()[0] : limiter.failurePolicy();
      return new Route(name, rateLimit, key, limiter.withFailurePolicy(failure));
    } catch (IllegalArgumentException invalid) {
      throw new IllegalStateException("@RateLimited on " + where + " is invalid"
          + (policy != null ? " with cloutsy.redis.web.rate-limit.policies." + annotation.name() : "") + ": "
          + invalid.getMessage(), invalid);
    }
  }

  /** The route's name as an RFC 8941 string for the headers: printable ASCII, at most 64 characters. */
  private static String policyName(String name) {
    StringBuilder printable = new StringBuilder(Math.min(name.length(), MAX_POLICY_NAME));
    for (int i = 0; i < name.length() && printable.length() < MAX_POLICY_NAME; i++) {
      char c = name.charAt(i);
      printable.append(c >= 0x20 && c <= 0x7e ? c : '?');
    }
    return printable.isEmpty() ? "route" : printable.toString();
  }

  /** The window as the annotation would write it: {@code 1m}, {@code 90s}, {@code 250ms}. */
  static String describe(Duration window) {
    long millis = window.toMillis();
    long[] sizes = {86_400_000, 3_600_000, 60_000, 1_000};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (millis % sizes[i] == 0) {
        return millis / sizes[i] + units[i];
      }
    }
    return millis + "ms";
  }
}
