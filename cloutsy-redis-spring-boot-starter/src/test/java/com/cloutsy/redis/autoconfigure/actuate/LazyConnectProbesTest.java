package com.cloutsy.redis.autoconfigure.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.autoconfigure.CloutsyRedisAutoConfiguration;
import com.cloutsy.redis.autoconfigure.TestContexts;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Issue 18, point 2, with the starter: {@code cloutsy.redis.lazy-connect} lets the application start while Redis is
 * down; the readiness probe (which includes {@code redis}) is DOWN and the liveness probe UP, so an orchestrator holds
 * traffic back without restarting the instance, and readiness turns UP on its own once Redis answers.
 */
@WithRedis
class LazyConnectProbesTest {

  private static ApplicationContextRunner runner(EmbeddedRedis server) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CloutsyRedisAutoConfiguration.class,
            CloutsyRedisHealthAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class,
            AvailabilityHealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
            HealthEndpointAutoConfiguration.class, AvailabilityProbesAutoConfiguration.class))
        .withPropertyValues("cloutsy.redis.url=" + server.uri(), "cloutsy.redis.key-prefix="
                + TestContexts.freshPrefix(), "cloutsy.redis.connect-timeout=1s", "cloutsy.redis.health.timeout=500ms",
            "management.endpoint.health.probes.enabled=true",
            "management.endpoint.health.group.readiness.include=readinessState,redis");
  }

  @Test
  void startsWithoutRedisReadinessDownLivenessUpAndTurnsReadyOnceRedisAnswers(EmbeddedRedis server) {
    server.stop();
    runner(server).withPropertyValues("cloutsy.redis.lazy-connect=true").run(context -> {
      assertThat(context).hasNotFailed();
      // What SpringApplication publishes once the context is refreshed and the application is ready.
      AvailabilityChangeEvent.publish(context, LivenessState.CORRECT);
      AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
      HealthEndpoint health = context.getBean(HealthEndpoint.class);
      assertThat(context.getBean(RedisService.class).isConnected()).isFalse();
      assertThat(health.healthForPath("readiness").getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.healthForPath("liveness").getStatus()).isEqualTo(Status.UP);
      assertThat(context.getBean(CloutsyRedisHealthIndicator.class).health().getDetails().get("reasons").toString())
          .contains("UNREACHABLE", "not connected yet");

      server.restart();

      await().atMost(Duration.ofSeconds(3))
          .until(() -> health.healthForPath("readiness").getStatus().equals(Status.UP));
      assertThat(health.healthForPath("liveness").getStatus()).isEqualTo(Status.UP);
    });
  }

  @Test
  void withoutLazyConnectTheApplicationStillRefusesToStart(EmbeddedRedis server) {
    server.stop();
    runner(server).run(context -> assertThat(context).hasFailed().getFailure()
        .hasStackTraceContaining("Could not connect to Redis at 127.0.0.1:" + server.port()));
  }
}
