package com.cloutsy.redis.autoconfigure;

import com.cloutsy.redis.embedded.RedisEndpoint;
import java.util.UUID;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * Context runners pointed at a Redis by properties, each with a key prefix of its own, so tests on the run's shared
 * server never see each other's keys.
 */
public final class TestContexts {

  private TestContexts() {}

  /** The starter's core auto-configuration against {@code endpoint}. */
  public static ApplicationContextRunner runner(RedisEndpoint endpoint) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CloutsyRedisAutoConfiguration.class))
        .withPropertyValues(properties(endpoint));
  }

  /** A servlet web context with the starter's core auto-configuration against {@code endpoint}. */
  public static WebApplicationContextRunner webRunner(RedisEndpoint endpoint) {
    return new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CloutsyRedisAutoConfiguration.class))
        .withPropertyValues(properties(endpoint));
  }

  /** The URL and a fresh key prefix. */
  public static String[] properties(RedisEndpoint endpoint) {
    return new String[] {"cloutsy.redis.url=" + endpoint.uri(), "cloutsy.redis.key-prefix=" + freshPrefix()};
  }

  /** A prefix no other test uses, e.g. {@code t-1a2b3c4d:}. */
  public static String freshPrefix() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }
}
