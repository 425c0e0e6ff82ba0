package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {

  @Test
  void logsTheFirstEventAtOnceThenOncePerIntervalWithTheNumberLeftOut() {
    Logger logger = (Logger) LoggerFactory.getLogger("com.cloutsy.redis.cache.RateLimitedLogTest");
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    try {
      AtomicLong nanos = new AtomicLong(1_000);
      RateLimitedLog log = new RateLimitedLog(logger, Duration.ofSeconds(10), nanos::get);
      IllegalStateException cause = new IllegalStateException("connection refused");

      log.warn("Cache 'users' is degraded", cause);
      for (int i = 0; i < 99; i++) {
        nanos.addAndGet(Duration.ofMillis(50).toNanos());
        log.warn("Cache 'users' is degraded", cause);
      }
      assertThat(logged.list).hasSize(1);
      assertThat(logged.list.get(0).getFormattedMessage())
          .isEqualTo("Cache 'users' is degraded: java.lang.IllegalStateException: connection refused");

      nanos.addAndGet(Duration.ofSeconds(10).toNanos());
      log.warn("Cache 'users' is degraded", cause);

      assertThat(logged.list).hasSize(2);
      assertThat(logged.list.get(1).getFormattedMessage()).endsWith("(99 more like it since the last report)");
    } finally {
      logger.detachAppender(logged);
    }
  }
}
