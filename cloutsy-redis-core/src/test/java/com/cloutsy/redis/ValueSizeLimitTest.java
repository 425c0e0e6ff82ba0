package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.cache.CacheLookup;
import com.cloutsy.redis.cache.CachePolicy;
import com.cloutsy.redis.cache.RedisCache;
import com.cloutsy.redis.config.InvalidSettingException;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.pubsub.EventBus;
import com.cloutsy.redis.session.Device;
import com.cloutsy.redis.session.SessionStore;
import com.cloutsy.redis.session.UserType;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Values above REDIS_MAX_VALUE_BYTES are refused before anything is sent, by the facade and every capability. */
@RedisMatrix(topologies = {Topology.SINGLE, Topology.CLUSTER})
class ValueSizeLimitTest {

  private static final int LIMIT = 2_000;

  private final RedisService redis;

  ValueSizeLimitTest(RedisEndpoint endpoint) {
    redis = RedisService.start(TestRedis.settings(endpoint).maxValueBytes(LIMIT).build());
  }

  @AfterEach
  void close() {
    redis.close();
  }

  private static String incompressible(int length) {
    Random random = new Random(7);
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }

  @Test
  void theFacadeRefusesAnOversizedValueAndWritesNothing() {
    String key = redis.keyNames().config("big");
    String big = "é".repeat(LIMIT / 2 + 1);

    assertThatThrownBy(() -> redis.set(key, big)).isInstanceOf(ValueTooLargeException.class)
        .hasMessage("value is 2002 bytes, above the limit of 2000 (REDIS_MAX_VALUE_BYTES)");
    assertThatThrownBy(() -> redis.set(key, big, Duration.ofMinutes(1))).isInstanceOf(ValueTooLargeException.class);
    assertThatThrownBy(() -> redis.hset(key, "f", big)).isInstanceOf(ValueTooLargeException.class);
    assertThat(redis.exists(key)).isZero();
    redis.set(key, "é".repeat(LIMIT / 2));
    assertThat(redis.get(key)).hasSize(LIMIT / 2);
  }

  @Test
  void aSessionWhoseValueIsTooLargeIsNotCreated() {
    SessionStore sessions = SessionStore.create(redis);
    String jti = SessionStore.newJti();

    assertThatThrownBy(() -> sessions.create("42", jti, Device.of("d", "a".repeat(LIMIT), UserType.BRAND)))
        .isInstanceOf(ValueTooLargeException.class).hasMessageStartingWith("session value is ");
    assertThat(sessions.get("42", jti)).isEmpty();
    assertThat(sessions.count("42")).isZero();
  }

  @Test
  void theCacheRefusesAnOversizedPutButServesAnOversizedLoadWithoutStoringIt() {
    try (RedisCache cache = RedisCache.create(redis, "big", CachePolicy.defaults())) {
      String key = redis.keyNames().cache("big", "1");
      String value = incompressible(2 * LIMIT);
      AtomicInteger loads = new AtomicInteger();

      assertThatThrownBy(() -> cache.put(key, value)).isInstanceOf(ValueTooLargeException.class)
          .hasMessageContaining("entry of cache 'big'");
      assertThat(cache.getOrLoad(key, String.class, () -> {
        loads.incrementAndGet();
        return value;
      })).isEqualTo(value);
      assertThat(cache.get(key, String.class)).isEqualTo(new CacheLookup.Miss<>());
      assertThat(loads).hasValue(1);
      cache.put(key, "x".repeat(4 * LIMIT));
      assertThat(cache.get(key, String.class)).as("compressed below the limit")
          .isEqualTo(new CacheLookup.Hit<>("x".repeat(4 * LIMIT)));
      assertThatThrownBy(() -> cache.hashes().hsetAll(redis.keyNames().userPrefs("42"), Map.of("bio", value),
          Duration.ofMinutes(1))).isInstanceOf(ValueTooLargeException.class);
      assertThat(redis.exists(redis.keyNames().userPrefs("42"))).isZero();
    }
  }

  @Test
  void anOversizedEventIsNotPublished() {
    try (EventBus bus = EventBus.create(redis)) {
      assertThatThrownBy(() -> bus.publish("big", incompressible(LIMIT))).isInstanceOf(ValueTooLargeException.class)
          .hasMessageStartingWith("event is ");
    }
  }

  @Test
  void theLimitComesFromTheEnvironmentAndIsValidated() {
    assertThat(RedisSettings.fromEnvironment(Map.of()).maxValueBytes()).isEqualTo(1024 * 1024);
    assertThat(RedisSettings.fromEnvironment(Map.of("REDIS_MAX_VALUE_BYTES", "4096")).maxValueBytes())
        .isEqualTo(4096);
    assertThatThrownBy(() -> RedisSettings.fromEnvironment(Map.of("REDIS_MAX_VALUE_BYTES", "0")))
        .isInstanceOf(InvalidSettingException.class).hasMessageStartingWith("REDIS_MAX_VALUE_BYTES must be");
  }
}
