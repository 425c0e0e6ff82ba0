package com.cloutsy.redis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound {@link FailurePolicy#FAIL_OPEN} documents, with two service instances (two services, each its own
 * limiter) and two real outages of the server within one window: admissions of one key, counted in Redis and by
 * both insurance limiters, stay within quota x (1 + instances x outages).
 */
@WithRedis
class FailOpenBoundTest {

  private static final Logger log = LoggerFactory.getLogger(FailOpenBoundTest.class);
  private static final int QUOTA = 20;
  private static final int INSTANCES = 2;
  private static final int OUTAGES = 2;
  private static final int CALLS_PER_PHASE = 3 * QUOTA;

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void twoInstancesAndTwoOutagesAdmitAtMostTheDocumentedBoundRegression16(Algorithm algorithm, EmbeddedRedis server) {
    RedisSettings settings = RedisSettings.builder().host(server.host()).port(server.port())
        .commandTimeout(Duration.ofMillis(500)).connectTimeout(Duration.ofSeconds(1))
        .retryDelayOnFailover(Duration.ofMillis(20)).build();
    try (RedisService first = RedisService.start(settings); RedisService second = RedisService.start(settings)) {
      List<RedisService> services = List.of(first, second);
      List<RateLimiter> limiters = services.stream().map(redis -> RateLimiter.create(redis, FailurePolicy.FAIL_OPEN))
          .toList();
      RateLimit limit = new RateLimit(QUOTA, Duration.ofHours(1), 0, algorithm);
      String key = first.keyNames().apiLimit("bound", algorithm.name());
      int[] byRedis = new int[1];
      int[] locally = new int[INSTANCES];

      callEach(limiters, key, limit, byRedis, locally);
      for (int outage = 0; outage < OUTAGES; outage++) {
        server.stop();
        await().atMost(Duration.ofSeconds(5)).until(() -> services.stream().noneMatch(RedisService::isConnected));
        callEach(limiters, key, limit, byRedis, locally);
        server.restart();
        await().atMost(Duration.ofSeconds(5)).until(() -> services.stream().allMatch(RedisService::isConnected));
        callEach(limiters, key, limit, byRedis, locally);
      }

      int total = byRedis[0] + locally[0] + locally[1];
      log.info("{}: {} admitted in Redis, {} and {} by the insurance limiters, {} in all; bound {}", algorithm,
          byRedis[0], locally[0], locally[1], total, QUOTA * (1 + INSTANCES * OUTAGES));
      for (int admitted : locally) {
        assertThat(admitted).as("an instance's local admissions: some, at most a quota per outage")
            .isBetween(1, QUOTA * OUTAGES);
      }
      assertThat(total).isLessThanOrEqualTo(QUOTA * (1 + INSTANCES * OUTAGES));
    }
  }

  /** {@value #CALLS_PER_PHASE} calls from each instance, in turns, counting admissions by who decided them. */
  private static void callEach(List<RateLimiter> limiters, String key, RateLimit limit, int[] byRedis,
      int[] locally) {
    for (int call = 0; call < CALLS_PER_PHASE; call++) {
      for (int instance = 0; instance < limiters.size(); instance++) {
        Decision decision = limiters.get(instance).tryAcquire(key, limit);
        if (decision.allowed()) {
          if (decision.decidedLocally()) {
            locally[instance]++;
          } else {
            byRedis[0]++;
          }
        }
      }
    }
  }
}
