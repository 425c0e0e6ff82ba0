package com.cloutsy.redis.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The demo service: a Cloutsy auth API (OTP, password login, sessions across devices), a cached and rate-limited
 * API, notifications over Server-Sent Events, Actuator health and metrics, and an operations page at {@code /ops},
 * all on the cloutsy-redis Spring Boot starter.
 *
 * <p>Run it on a developer's machine with
 * {@code ./mvnw -q -pl cloutsy-redis-demo -am spring-boot:run -Dspring-boot.run.profiles=dev}. It listens on port
 * 8080 ({@code PORT} overrides). In the dev profile, with neither {@code REDIS_URL} nor {@code REDIS_HOST} set, it
 * starts an embedded redis-server ({@link EmbeddedRedisInitializer}) that stops with it, also on Ctrl-C. Without the
 * dev profile nothing development-only happens: no embedded Redis, no generated secrets, no codes in answers, and
 * start-up fails naming {@code demo.token.secret} when it is not set.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class DemoApplication {

  private static final Logger log = LoggerFactory.getLogger(DemoApplication.class);

  /** Starts the service; Ctrl-C (SIGINT) or SIGTERM stops it and the embedded Redis it started. */
  public static void main(String[] args) {
    application().run(args);
  }

  /** The application as {@link #main} runs it: in the dev profile, with the embedded Redis when none is configured. */
  static SpringApplication application() {
    SpringApplication application = new SpringApplication(DemoApplication.class);
    application.addInitializers(new EmbeddedRedisInitializer());
    return application;
  }

  /** Says where to open the ops page, once the service answers requests. */
  @EventListener
  void announce(ApplicationReadyEvent ready) {
    if (ready.getApplicationContext() instanceof WebServerApplicationContext web && web.getWebServer() != null) {
      String base = "http://localhost:" + web.getWebServer().getPort();
      log.info("Ops page: {}/ops  (API: {}/auth/otp/request, health: {}/actuator/health)", base, base, base);
    }
  }
}
