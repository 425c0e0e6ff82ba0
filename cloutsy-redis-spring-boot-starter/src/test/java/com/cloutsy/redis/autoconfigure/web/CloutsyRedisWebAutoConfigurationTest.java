package com.cloutsy.redis.autoconfigure.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.autoconfigure.TestContexts;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.DispatcherServlet;

@WithRedis
class CloutsyRedisWebAutoConfigurationTest {

  private final RedisEndpoint endpoint;
  private final WebApplicationContextRunner runner;

  CloutsyRedisWebAutoConfigurationTest(RedisEndpoint endpoint) {
    this.endpoint = endpoint;
    this.runner = TestContexts.webRunner(endpoint).withConfiguration(AutoConfigurations.of(
        CloutsyRedisWebAutoConfiguration.class, WebMvcAutoConfiguration.class,
        DispatcherServletAutoConfiguration.class));
  }

  @Test
  void aServletApplicationGetsTheInterceptorTheResolverAndThe503Handler() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(RateLimitInterceptor.class).hasSingleBean(RedisUnavailableHandler.class);
      assertThat(context.getBean(RateLimitKeyResolver.class)).isSameAs(RateLimitKeyResolver.DEFAULT);
    });
  }

  @Test
  void eachHelperIsSwitchedOffByItsProperty() {
    runner.withPropertyValues("cloutsy.redis.web.rate-limit.enabled=false").run(context ->
        assertThat(context).doesNotHaveBean(RateLimitInterceptor.class).hasSingleBean(RedisUnavailableHandler.class));
    runner.withPropertyValues("cloutsy.redis.web.unavailable.enabled=false").run(context ->
        assertThat(context).hasSingleBean(RateLimitInterceptor.class).doesNotHaveBean(RedisUnavailableHandler.class));
  }

  @Test
  void theApplicationsResolverAndHandlerReplaceTheDefaults() {
    RateLimitKeyResolver byHeader = RateLimitKeyResolver.byUserId(request -> request.getHeader("X-User"));
    RedisUnavailableHandler own = new RedisUnavailableHandler(java.time.Duration.ofSeconds(30));
    runner.withBean(RateLimitKeyResolver.class, () -> byHeader)
        .withBean(RedisUnavailableHandler.class, () -> own)
        .run(context -> {
          assertThat(context.getBean(RateLimitKeyResolver.class)).isSameAs(byHeader);
          assertThat(context.getBean(RedisUnavailableHandler.class)).isSameAs(own);
        });
  }

  @Test
  void notConfiguredOutsideAServletApplicationOrWithoutSpringMvc() {
    TestContexts.runner(endpoint).withConfiguration(AutoConfigurations.of(CloutsyRedisWebAutoConfiguration.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(RateLimitInterceptor.class));
    runner.withClassLoader(new FilteredClassLoader(DispatcherServlet.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(RateLimitInterceptor.class));
  }

  @Test
  void aBadLimitFailsStartUpNamingTheMethod() {
    runner.withUserConfiguration(BadController.class).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasMessageContaining("BadController.feed")
          .hasMessageContaining("soon");
    });
  }

  @RestController
  static class BadController {
    @GetMapping("/feed")
    @RateLimited(limit = 10, window = "soon")
    String feed() {
      return "feed";
    }
  }
}
