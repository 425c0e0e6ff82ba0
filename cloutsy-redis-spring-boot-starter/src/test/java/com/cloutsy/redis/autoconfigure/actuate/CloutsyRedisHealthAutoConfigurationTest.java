package com.cloutsy.redis.autoconfigure.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.autoconfigure.CloutsyRedisAutoConfiguration;
import com.cloutsy.redis.autoconfigure.TestContexts;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

@WithRedis
class CloutsyRedisHealthAutoConfigurationTest {

  private final RedisEndpoint endpoint;
  private final ApplicationContextRunner runner;

  CloutsyRedisHealthAutoConfigurationTest(RedisEndpoint endpoint) {
    this.endpoint = endpoint;
    this.runner = TestContexts.runner(endpoint)
        .withConfiguration(AutoConfigurations.of(CloutsyRedisHealthAutoConfiguration.class));
  }

  @Test
  void reportsUpWithTheDetailsOfTheHealthReport() {
    runner.run(context -> {
      assertThat(context).hasBean("redisHealthIndicator");
      Health health = context.getBean(CloutsyRedisHealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("endpoint", endpoint.host() + ":" + endpoint.port())
          .containsEntry("report", "UP").containsEntry("role", "master")
          .containsKeys("pingMillis", "version", "connectedClients", "usedMemory", "maxMemoryPolicy", "tookMillis");
    });
  }

  @Test
  void neverShowsThePasswordAndReportsDownWhenRedisIsGone() {
    try (EmbeddedRedis secured = EmbeddedRedis.builder().config("requirepass", "hunter2-secret").start()) {
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(CloutsyRedisAutoConfiguration.class,
              CloutsyRedisHealthAutoConfiguration.class))
          .withPropertyValues("cloutsy.redis.url=redis://:hunter2-secret@" + secured.host() + ":" + secured.port(),
              "cloutsy.redis.health.timeout=300ms")
          .run(context -> {
            CloutsyRedisHealthIndicator indicator = context.getBean(CloutsyRedisHealthIndicator.class);
            Health up = indicator.health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.toString()).doesNotContain("hunter2");
            secured.stop();
            Health down = indicator.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails()).containsEntry("report", "DOWN");
            assertThat((List<?>) down.getDetails().get("reasons")).isNotEmpty();
            assertThat(down.toString()).doesNotContain("hunter2");
          });
    }
  }

  @Test
  void takesTheRedisNameFromTheSpringDataRedisIndicator() {
    runner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
            DataRedisHealthContributorAutoConfiguration.class))
        .withPropertyValues("spring.data.redis.url=" + endpoint.uri())
        .run(context -> {
          assertThat(context).hasBean("redisHealthIndicator").doesNotHaveBean("redisHealthContributor");
          assertThat(context.getBeansOfType(HealthContributor.class)).containsOnlyKeys("redisHealthIndicator");
        });
  }

  @Test
  void stepsBackForAnIndicatorOfTheApplicationCalledRedis() {
    HealthIndicator own = () -> Health.up().build();
    runner.withBean("redisHealthIndicator", HealthIndicator.class, () -> own)
        .run(context -> assertThat(context).doesNotHaveBean(CloutsyRedisHealthIndicator.class)
            .getBean("redisHealthIndicator").isSameAs(own));
  }

  @Test
  void isSwitchedOffWithTheManagementPropertyOrTheHealthCheck() {
    runner.withPropertyValues("management.health.redis.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(CloutsyRedisHealthIndicator.class));
    runner.withPropertyValues("cloutsy.redis.health.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(CloutsyRedisHealthIndicator.class));
  }

  @Test
  void aServiceWithoutSpringBootsHealthModuleStillStarts() {
    runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(CloutsyRedisHealthIndicator.class)
            .hasBean("redisService"));
  }
}
