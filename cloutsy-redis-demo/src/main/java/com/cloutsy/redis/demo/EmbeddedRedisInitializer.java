package com.cloutsy.redis.demo;

import com.cloutsy.redis.embedded.EmbeddedRedis;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;

/**
 * The dev profile's zero-setup Redis: when the {@code dev} profile is active and no Redis is configured, starts an
 * embedded redis-server before the context is refreshed and hands its address to the starter as
 * {@code cloutsy.redis.url}. Outside the dev profile it never starts one: the service connects to what the
 * {@code REDIS_*} variables or {@code cloutsy.redis.*} say (by default localhost:6379) and fails start-up, naming the
 * endpoint, when nothing answers there.
 *
 * <p>The server is registered as the context's first disposable bean, so it is stopped after every bean that uses
 * it (Spring destroys disposable beans in reverse order of registration): on a normal close, on a failed start-up,
 * and on Ctrl-C or SIGTERM through Spring Boot's shutdown hook. Should the JVM exit without closing the context, the
 * embedded module's own shutdown hook still kills the server; only {@code kill -9} of the JVM leaves it behind.
 */
final class EmbeddedRedisInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  /** The bean name of the embedded server, when one was started. */
  static final String BEAN_NAME = "embeddedRedis";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedRedisInitializer.class);

  /** Any of these names a Redis to use; with none of them set, the embedded one is started. */
  private static final List<String> REDIS_SETTINGS = List.of("REDIS_URL", "REDIS_HOST", "REDIS_CLUSTER_NODES",
      "REDIS_SENTINEL_MASTER", "cloutsy.redis.url", "cloutsy.redis.host", "cloutsy.redis.cluster-nodes",
      "cloutsy.redis.sentinel-master");

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    ConfigurableEnvironment environment = context.getEnvironment();
    if (!environment.acceptsProfiles(Profiles.of("dev & !prod"))) {
      return;
    }
    Optional<String> configured = REDIS_SETTINGS.stream()
        .filter(name -> {
          String value = environment.getProperty(name);
          return value != null && !value.isBlank();
        })
        .findFirst();
    if (configured.isPresent()) {
      log.info("Using the Redis that {} names; no embedded redis-server is started", configured.get());
      return;
    }
    EmbeddedRedis redis = EmbeddedRedis.start();
    environment.getPropertySources()
        .addLast(new MapPropertySource(BEAN_NAME, Map.of("cloutsy.redis.url", redis.uri())));
    var beans = context.getBeanFactory();
    beans.registerSingleton(BEAN_NAME, redis);
    ((DefaultSingletonBeanRegistry) beans).registerDisposableBean(BEAN_NAME, redis::close);
    log.info("No REDIS_URL or REDIS_HOST set: started an embedded redis-server at {} (pid {}); it stops with this"
        + " service", redis.uri(), redis.pid());
  }
}
