package com.cloutsy.redis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's first command runs this tour; every step must print the outcome the seed's patterns promise. */
@WithRedis
class FacadeTourTest {

  @Test
  void everyStepPrintsItsExpectedResult(RedisEndpoint endpoint) throws InterruptedException {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    RedisSettings settings = RedisSettings.builder().url(endpoint.uri()).keyPrefix("tour-test:").build();
    try (RedisService redis = RedisService.start(settings);
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      new FacadeTour(redis, out).run();
    }

    assertThat(printed.toString(StandardCharsets.UTF_8).lines())
        .anySatisfy(line -> assertThat(line).contains("ping").contains("ms round trip"))
        .anySatisfy(line -> assertThat(line).contains("get tour-test:cache:niches:active")
            .endsWith("-> [\"fashion\",\"tech\"]"))
        .anySatisfy(line -> assertThat(line).contains("hget tour-test:user:42:prefs theme").endsWith("-> dark"))
        .anySatisfy(line -> assertThat(line).contains("multi set").endsWith("-> 2 commands applied"))
        .anySatisfy(line -> assertThat(line).startsWith("  received").endsWith("-> {\"userId\":123,\"type\":\"message\"}"))
        .anySatisfy(line -> assertThat(line).contains("after del").endsWith("-> null"));
  }
}
