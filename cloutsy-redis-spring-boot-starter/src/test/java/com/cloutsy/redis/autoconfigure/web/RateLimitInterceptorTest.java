package com.cloutsy.redis.autoconfigure.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.autoconfigure.CloutsyRedisProperties;
import com.cloutsy.redis.autoconfigure.RateLimitKey;
import com.cloutsy.redis.autoconfigure.TestContexts;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.ratelimit.FailurePolicy;
import com.cloutsy.redis.ratelimit.RateLimiter;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerMapping;

@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitInterceptorTest {

  private final RedisService redis;

  RateLimitInterceptorTest(RedisEndpoint endpoint) {
    this.redis = RedisService.start(RedisSettings.builder().url(endpoint.uri()).keyPrefix(TestContexts.freshPrefix())
        .build());
  }

  @AfterAll
  void close() {
    redis.close();
  }

  @Test
  void theResolverDecidesWhoIsCounted() throws Exception {
    RateLimitInterceptor interceptor = interceptor(RateLimitKeyResolver.byUserId(request -> "from-resolver"));

    MockHttpServletResponse response = call(interceptor, "perUser", "10.0.0.1", null);

    assertThat(response.getStatus()).isEqualTo(200);
    assertThat(redis.exists(redis.keyNames().apiLimit("from-resolver", "GET /per-user"))).isEqualTo(1);
  }

  @Test
  void theDefaultCountsThePrincipalOrElseTheAddressNeverXForwardedFor() throws Exception {
    RateLimitInterceptor interceptor = interceptor(RateLimitKeyResolver.DEFAULT);
    MockHttpServletRequest withPrincipal = request("perUser", "10.0.0.2");
    withPrincipal.setUserPrincipal(() -> "carol");
    interceptor.preHandle(withPrincipal, new MockHttpServletResponse(), handler("perUser"));

    MockHttpServletRequest anonymous = request("perUser", "10.0.0.3");
    anonymous.addHeader("X-Forwarded-For", "198.51.100.7");
    interceptor.preHandle(anonymous, new MockHttpServletResponse(), handler("perUser"));

    assertThat(redis.exists(redis.keyNames().apiLimit("carol", "GET /per-user"),
        redis.keyNames().apiLimit("ip:10.0.0.3", "GET /per-user"))).isEqualTo(2);
    assertThat(redis.exists(redis.keyNames().apiLimit("ip:198.51.100.7", "GET /per-user"))).isZero();
  }

  @Test
  void aMethodAnnotationReplacesTheClassAnnotationAndUnannotatedHandlersPass() throws Exception {
    RateLimitInterceptor interceptor = interceptor(RateLimitKeyResolver.DEFAULT);

    assertThat(call(interceptor, "perUser", "10.0.0.4", null).getHeader("RateLimit-Limit")).isEqualTo("1");
    assertThat(call(interceptor, "classDefault", "10.0.0.4", null).getHeader("RateLimit-Limit")).isEqualTo("7");
    MockHttpServletResponse free = new MockHttpServletResponse();
    assertThat(interceptor.preHandle(request("free", "10.0.0.4"), free, new Object())).isTrue();
    assertThat(free.getHeader("RateLimit-Limit")).isNull();
  }

  @Test
  void aDeniedRequestGets429WithRetryAfterAndAJsonBody() throws Exception {
    RateLimitInterceptor interceptor = interceptor(RateLimitKeyResolver.DEFAULT);
    call(interceptor, "perUser", "10.0.0.5", null);

    MockHttpServletResponse denied = call(interceptor, "perUser", "10.0.0.5", null);

    assertThat(denied.getStatus()).isEqualTo(429);
    assertThat(denied.getHeader("Retry-After")).isNotNull();
    assertThat(denied.getContentType()).startsWith("application/json");
    assertThat(denied.getContentAsString()).startsWith("{\"error\":\"rate_limited\",");
  }

  @Test
  void theDispatchThatEndsAnAsyncRequestSpendsNoSecondPermit() throws Exception {
    RateLimitInterceptor interceptor = interceptor(RateLimitKeyResolver.DEFAULT);
    call(interceptor, "perUser", "10.0.0.6", null);
    MockHttpServletRequest completion = request("perUser", "10.0.0.6");
    completion.setDispatcherType(DispatcherType.ASYNC);
    MockHttpServletResponse response = new MockHttpServletResponse();

    assertThat(interceptor.preHandle(completion, response, handler("perUser"))).isTrue();
    assertThat(response.getStatus()).isEqualTo(200);
    assertThat(call(interceptor, "perUser", "10.0.0.6", null).getStatus()).as("the limit of 1 was spent once")
        .isEqualTo(429);
  }

  @Test
  void whileRedisIsAwayFailOpenLimitsInMemoryAndFailClosedThrowsForThe503(EmbeddedRedis server) throws Exception {
    try (RedisService gone = RedisService.start(RedisSettings.builder().url(server.uri())
        .commandTimeout(Duration.ofMillis(300)).build())) {
      server.stop();
      CloutsyRedisProperties.Web.WebRateLimit config = new CloutsyRedisProperties.Web.WebRateLimit();
      RateLimitInterceptor open = new RateLimitInterceptor(RateLimiter.create(gone, FailurePolicy.FAIL_OPEN),
          gone.keyNames(), RateLimitKeyResolver.DEFAULT, config, null);
      RateLimitInterceptor closed = new RateLimitInterceptor(RateLimiter.create(gone, FailurePolicy.FAIL_CLOSED),
          gone.keyNames(), RateLimitKeyResolver.DEFAULT, config, null);

      assertThat(call(open, "perUser", "10.0.0.7", null).getStatus()).isEqualTo(200);
      assertThat(call(open, "perUser", "10.0.0.7", null).getStatus()).isEqualTo(429);
      assertThatThrownBy(() -> call(closed, "perUser", "10.0.0.7", null))
          .isInstanceOf(RedisUnavailableException.class);
    }
  }

  @Test
  void windowsAreDescribedAsTheAnnotationWritesThem() {
    assertThat(RateLimitInterceptor.describe(Duration.ofMinutes(1))).isEqualTo("1m");
    assertThat(RateLimitInterceptor.describe(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(RateLimitInterceptor.describe(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(RateLimitInterceptor.describe(Duration.ofDays(2))).isEqualTo("2d");
  }

  @Test
  void anInvalidAnnotationIsReportedWithTheMethodAndThePolicy() {
    CloutsyRedisProperties.Web.WebRateLimit config = new CloutsyRedisProperties.Web.WebRateLimit();
    CloutsyRedisProperties.Web.Policy zero = new CloutsyRedisProperties.Web.Policy();
    zero.setLimit(0L);
    config.getPolicies().put("named", zero);
    RateLimitInterceptor interceptor = new RateLimitInterceptor(RateLimiter.create(redis, FailurePolicy.FAIL_CLOSED),
        redis.keyNames(), RateLimitKeyResolver.DEFAULT, config, null);

    assertThatThrownBy(() -> call(interceptor, "named", "10.0.0.6", null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Routes.named").hasMessageContaining("policies.named").hasMessageContaining("limit");
  }

  private RateLimitInterceptor interceptor(RateLimitKeyResolver resolver) {
    return new RateLimitInterceptor(RateLimiter.create(redis, FailurePolicy.FAIL_CLOSED), redis.keyNames(), resolver,
        new CloutsyRedisProperties.Web.WebRateLimit(), null);
  }

  private MockHttpServletResponse call(RateLimitInterceptor interceptor, String method, String address,
      String forwardedFor) throws Exception {
    MockHttpServletRequest request = request(method, address);
    if (forwardedFor != null) {
      request.addHeader("X-Forwarded-For", forwardedFor);
    }
    MockHttpServletResponse response = new MockHttpServletResponse();
    interceptor.preHandle(request, response, handler(method));
    return response;
  }

  private static MockHttpServletRequest request(String method, String address) {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/" + method);
    request.setRemoteAddr(address);
    request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE,
        method.equals("perUser") ? "/per-user" : "/" + method);
    return request;
  }

  private static HandlerMethod handler(String method) throws NoSuchMethodException {
    return new HandlerMethod(new Routes(), Routes.class.getDeclaredMethod(method));
  }

  @RateLimited(limit = 7, window = "1m", key = RateLimitKey.IP)
  static class Routes {
    @RateLimited(limit = 1, window = "1m")
    String perUser() {
      return "ok";
    }

    String classDefault() {
      return "ok";
    }

    String free() {
      return "ok";
    }

    @RateLimited(name = "named")
    String named() {
      return "ok";
    }
  }
}
