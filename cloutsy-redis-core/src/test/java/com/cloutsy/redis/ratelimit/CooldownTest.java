package com.cloutsy.redis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.FeatureCounters;
import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisMatrix;
import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.keys.KeyLayout;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@RunsAs(LeastPrivilege.RATE_LIMIT)
@RedisMatrix(layouts = KeyLayout.CLUSTER, topologies = {Topology.SINGLE, Topology.CLUSTER})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CooldownTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private RedisService redis;
  private Cooldown cooldown;

  @RedisMatrix.BeforeInvocation
  void start(RedisEndpoint endpoint, KeyLayout layout) {
    redis = TestRedis.start(endpoint, layout);
    cooldown = Cooldown.create(redis);
  }

  @RedisMatrix.AfterInvocation
  void close() {
    redis.close();
  }

  private String phoneKey() {
    return redis.keyNames().otpCooldown("+1555" + UUID.randomUUID().toString().substring(0, 7));
  }

  @Test
  void startsOnceThenReportsTheTimeLeft() {
    String key = phoneKey();

    Decision started = cooldown.tryStart(key, MINUTE);
    Decision active = cooldown.tryStart(key, MINUTE);

    assertThat(started).isEqualTo(new Decision(true, 1, 0, Duration.ZERO, MINUTE, false));
    assertThat(active.allowed()).isFalse();
    assertThat(active.retryAfter()).isBetween(MINUTE.minusSeconds(5), MINUTE).isEqualTo(active.resetAfter());
    assertThat(TestRedis.sync(redis).get(key)).as("the seed's value").isEqualTo("1");
    assertThat(TestRedis.sync(redis).pttl(key)).isBetween(1L, MINUTE.toMillis());
  }

  @Test
  void peekStartsNothing() {
    String key = phoneKey();

    assertThat(cooldown.peek(key, MINUTE)).isEqualTo(new Decision(true, 1, 1, Duration.ZERO, Duration.ZERO, false));
    assertThat(TestRedis.sync(redis).exists(key)).isZero();
    cooldown.tryStart(key, MINUTE);
    Decision peeked = cooldown.peekAsync(key, MINUTE).toCompletableFuture().join();
    assertThat(peeked.allowed()).isFalse();
    assertThat(peeked.retryAfter()).isPositive();
  }

  @Test
  void endsByItselfAndCanBeResetEarly() {
    String key = phoneKey();
    cooldown.tryStart(key, Duration.ofMillis(200));
    await().atMost(Duration.ofSeconds(3)).until(() -> cooldown.tryStart(key, MINUTE).allowed());

    assertThat(cooldown.reset(key)).isTrue();
    assertThat(cooldown.resetAsync(key).toCompletableFuture().join()).isFalse();
    assertThat(cooldown.tryStartAsync(key, MINUTE).toCompletableFuture().join().allowed()).isTrue();
  }

  @Test
  void exactlyOneOfManyConcurrentCallersStartsIt() throws Exception {
    String key = phoneKey();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> runs = new ArrayList<>();
    try {
      for (int t = 0; t < 16; t++) {
        runs.add(pool.submit(() -> {
          start.await();
          int started = 0;
          for (int i = 0; i < 50; i++) {
            started += cooldown.tryStart(key, MINUTE).allowed() ? 1 : 0;
          }
          return started;
        }));
      }
      start.countDown();
      int started = 0;
      for (Future<Integer> run : runs) {
        started += run.get(30, TimeUnit.SECONDS);
      }
      assertThat(started).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void respectsTheSeedsCooldownAndEndsOneLeftWithoutATtl() {
    RedisClusterCommands<String, String> seed = TestRedis.sync(redis);
    String seedsCooldown = phoneKey();
    seed.setex(seedsCooldown, 60, "1");
    String endless = phoneKey();
    seed.set(endless, "1");

    Decision refused = cooldown.tryStart(seedsCooldown, Duration.ofMinutes(5));
    Decision ended = cooldown.tryStart(endless, MINUTE);

    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfter()).isLessThanOrEqualTo(MINUTE);
    assertThat(ended.allowed()).isFalse();
    assertThat(seed.pttl(endless)).isBetween(1L, MINUTE.toMillis());
  }

  @Test
  void countsStartedAndActiveCooldowns() {
    String key = phoneKey();
    long startedBefore = counter("started").count();
    long activeBefore = counter("active").count();

    cooldown.tryStart(key, MINUTE);
    cooldown.tryStart(key, MINUTE);
    cooldown.tryStart(key, MINUTE);
    cooldown.peek(key, MINUTE);

    assertThat(counter("started").count() - startedBefore).isEqualTo(1);
    assertThat(counter("active").count() - activeBefore).isEqualTo(2);
  }

  @Test
  void badInputIsRejected() {
    assertThatThrownBy(() -> cooldown.tryStart("k", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("period must be 1 ms to 366 days, was PT0S");
    assertThatThrownBy(() -> cooldown.tryStart("k", Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("period must be 1 ms to 366 days, was PT-1S");
    assertThatThrownBy(() -> cooldown.peek("k", Duration.ofDays(400))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("period must be 1 ms to 366 days");
    assertThatThrownBy(() -> cooldown.tryStart("", MINUTE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key must not be empty");
    assertThat(TestRedis.sync(redis).exists("k")).isZero();
  }

  private FeatureCounters.Counter counter(String result) {
    return redis.runtime().counters().counter("cloutsy.redis.ratelimit.cooldowns", "result", result, "source", "redis");
  }
}
