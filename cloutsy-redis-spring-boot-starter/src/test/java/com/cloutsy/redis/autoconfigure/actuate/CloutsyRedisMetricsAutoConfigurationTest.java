package com.cloutsy.redis.autoconfigure.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.autoconfigure.TestContexts;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.health.HealthCheck;
import com.cloutsy.redis.health.RedisMeters;
import com.cloutsy.redis.ratelimit.RateLimit;
import com.cloutsy.redis.ratelimit.RateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

@WithRedis
class CloutsyRedisMetricsAutoConfigurationTest {

  private final RedisEndpoint endpoint;
  private final ApplicationContextRunner runner;

  CloutsyRedisMetricsAutoConfigurationTest(RedisEndpoint endpoint) {
    this.endpoint = endpoint;
    this.runner = TestContexts.runner(endpoint).withConfiguration(AutoConfigurations.of(
        CloutsyRedisMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
        CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class));
  }

  @Test
  void bindsTheFeatureCountersHealthGaugesAndCommandLatencies() {
    runner.run(context -> assertMeters(context.getBean(MeterRegistry.class), context.getBean(RedisService.class),
        context.getBean(RateLimiter.class), context.getBean(HealthCheck.class)));
  }

  @Test
  void recordsCommandLatenciesOnSharedSpringDataRedisResourcesToo() {
    runner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
        .withPropertyValues("spring.data.redis.url=" + endpoint.uri())
        .run(context -> {
          assertThat(context.getBean(RedisService.class).client().getResources())
              .isSameAs(context.getBean(io.lettuce.core.resource.ClientResources.class));
          assertMeters(context.getBean(MeterRegistry.class), context.getBean(RedisService.class),
              context.getBean(RateLimiter.class), context.getBean(HealthCheck.class));
        });
  }

  @Test
  void isSwitchedOffByItsProperty() {
    runner.withPropertyValues("cloutsy.redis.metrics.enabled=false").run(context -> {
      assertThat(context).doesNotHaveBean(RedisMeters.class);
      context.getBean(RedisService.class).ping();
      assertThat(context.getBean(MeterRegistry.class).find("lettuce.command.completion").timers()).isEmpty();
      assertThat(context.getBean(MeterRegistry.class).find("cloutsy.redis.connected").gauge()).isNull();
    });
  }

  @Test
  void aServiceWithoutMicrometerStillStarts() {
    TestContexts.runner(endpoint)
        .withConfiguration(AutoConfigurations.of(CloutsyRedisMetricsAutoConfiguration.class))
        .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisMeters.class)
            .hasSingleBean(RedisService.class));
  }

  private static void assertMeters(MeterRegistry registry, RedisService redis, RateLimiter limiter,
      HealthCheck health) {
    limiter.tryAcquire(redis.keyNames().apiLimit("42", "metrics"), RateLimit.of(10, Duration.ofMinutes(1)));
    health.health();
    redis.ping();
    assertThat(registry.find("cloutsy.redis.ratelimit.decisions").tag("result", "allowed").tag("source", "redis")
        .functionCounter().count()).isGreaterThanOrEqualTo(1);
    assertThat(registry.find("cloutsy.redis.connected").gauge().value()).isEqualTo(1);
    assertThat(registry.find("cloutsy.redis.health").tag("status", "UP").gauge().value()).isEqualTo(1);
    assertThat(registry.find("cloutsy.redis.memory.used").gauge().value()).isPositive();
    assertThat(registry.find("lettuce.command.completion").tag("command", "PING").timer())
        .as("Lettuce's latency recorder writes into the application's registry").isNotNull();
  }
}
