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
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The limiter's contract, for every algorithm in every layout of the matrix. */
@RunsAs(LeastPrivilege.RATE_LIMIT)
@RedisMatrix(layouts = {KeyLayout.SEED, KeyLayout.CLUSTER}, topologies = {Topology.SINGLE, Topology.CLUSTER})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimiterTest {

  private static final Duration HOUR = Duration.ofHours(1);

  private RedisService redis;

  @RedisMatrix.BeforeInvocation
  void start(RedisEndpoint endpoint, KeyLayout layout) {
    redis = TestRedis.start(endpoint, layout);
  }

  @RedisMatrix.AfterInvocation
  void close() {
    redis.close();
  }

  private static RateLimit limit(Algorithm algorithm, long limit, Duration window) {
    return new RateLimit(limit, window, 0, algorithm);
  }

  private static String user() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void admitsTheLimitThenDeniesWithARetryDelay(Algorithm algorithm) {
    RateLimiter limiter = RateLimiter.create(redis);
    String key = redis.keyNames().apiLimit(user(), "feed");
    RateLimit limit = limit(algorithm, 3, HOUR);

    List<Decision> admitted = Stream.generate(() -> limiter.tryAcquire(key, limit)).limit(3).toList();
    Decision denied = limiter.tryAcquire(key, limit);

    assertThat(admitted).extracting(Decision::allowed).containsOnly(true);
    assertThat(admitted).extracting(Decision::remaining).containsExactly(2L, 1L, 0L);
    assertThat(admitted).extracting(Decision::retryAfter).containsOnly(Duration.ZERO);
    assertThat(admitted).extracting(Decision::decidedLocally).containsOnly(false);
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.limit()).isEqualTo(3);
    assertThat(denied.remaining()).isZero();
    assertThat(denied.retryAfter()).isPositive().isLessThanOrEqualTo(HOUR.multipliedBy(2));
    assertThat(denied.resetAfter()).isGreaterThanOrEqualTo(denied.retryAfter());
    if (redis.keyNames().layout() == KeyLayout.CLUSTER) {
      assertThat(key).contains("api:limit:{");
    }
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void takesSeveralPermitsAtOnceOrNone(Algorithm algorithm) {
    RateLimiter limiter = RateLimiter.create(redis);
    String key = redis.keyNames().apiLimit(user(), "upload");
    RateLimit limit = limit(algorithm, 5, HOUR);

    assertThat(limiter.tryAcquire(key, limit, 3).remaining()).isEqualTo(2);
    Decision tooMany = limiter.tryAcquire(key, limit, 3);
    assertThat(tooMany.allowed()).isFalse();
    assertThat(tooMany.remaining()).as("a denied request takes nothing").isEqualTo(2);
    assertThat(limiter.tryAcquire(key, limit, 2).remaining()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void peekSpendsNothing(Algorithm algorithm) {
    RateLimiter limiter = RateLimiter.create(redis);
    String key = redis.keyNames().apiLimit(user(), "feed");
    RateLimit limit = limit(algorithm, 2, HOUR);

    Decision fresh = limiter.peek(key, limit);
    assertThat(fresh.allowed()).isTrue();
    assertThat(fresh.remaining()).isEqualTo(2);
    assertThat(fresh.resetAfter()).isZero();
    assertThat(TestRedis.sync(redis).exists(key)).as("a peek writes nothing").isZero();

    limiter.tryAcquire(key, limit);
    assertThat(limiter.peek(key, limit).remaining()).isEqualTo(1);
    assertThat(limiter.peek(key, limit).remaining()).isEqualTo(1);
    limiter.tryAcquire(key, limit);
    Decision spent = limiter.peek(key, limit);
    assertThat(spent.allowed()).isFalse();
    assertThat(spent.retryAfter()).isPositive();
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void resetRestoresTheFullLimit(Algorithm algorithm) {
    RateLimiter limiter = RateLimiter.create(redis);
    String key = redis.keyNames().apiLimit(user(), "feed");
    RateLimit limit = limit(algorithm, 1, HOUR);
    limiter.tryAcquire(key, limit);
    assertThat(limiter.tryAcquire(key, limit).allowed()).isFalse();

    assertThat(limiter.reset(key)).isTrue();
    assertThat(limiter.reset(key)).as("nothing left to forget").isFalse();
    assertThat(limiter.tryAcquire(key, limit).allowed()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aDeniedClientIsAdmittedAgainOnceTheRetryDelayHasPassed(Algorithm algorithm) {
    RateLimiter limiter = RateLimiter.create(redis);
    String key = redis.keyNames().apiLimit(user(), "feed");
    RateLimit limit = limit(algorithm, 2, Duration.ofMillis(300));
    limiter.tryAcquire(key, limit);
    limiter.tryAcquire(key, limit);

    Decision denied = limiter.tryAcquire(key, limit);
    long deniedAt = System.nanoTime();

    assertThat(denied.allowed()).isFalse();
    assertThat(denied.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(600));
    await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
        .until(() -> limiter.tryAcquire(key, limit).allowed());
    assertThat(Duration.ofNanos(System.nanoTime() - deniedAt))
        .as("not admitted much before the retry delay").isGreaterThan(denied.retryAfter().minusMillis(50));
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void anIdleKeyExpiresByItself(Algorithm algorithm) {
    RateLimiter limiter = RateLimiter.create(redis);
    String key = redis.keyNames().apiLimit(user(), "feed");
    limiter.tryAcquire(key, limit(algorithm, 5, Duration.ofMillis(200)));

    assertThat(TestRedis.sync(redis).pttl(key)).isBetween(1L, 400L);
    await().atMost(Duration.ofSeconds(3)).until(() -> TestRedis.sync(redis).exists(key) == 0);
  }

  @Test
  void aFixedWindowIsNeverExtendedByLaterHits() {
    RateLimiter limiter = RateLimiter.create(redis);
    String key = redis.keyNames().apiLimit(user(), "feed");
    RateLimit limit = RateLimit.fixedWindow(1_000, Duration.ofSeconds(2));

    Decision first = limiter.tryAcquire(key, limit);
    assertThat(first.resetAfter()).isEqualTo(Duration.ofSeconds(2));
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
        .until(() -> limiter.tryAcquire(key, limit).resetAfter().compareTo(Duration.ofMillis(1_600)) < 0);

    assertThat(TestRedis.sync(redis).pttl(key)).as("hits did not push the window forward")
        .isLessThan(1_600L).isPositive();
    await().atMost(Duration.ofSeconds(3)).until(() -> TestRedis.sync(redis).exists(key) == 0);
  }

  @Test
  void gcraAdmitsLimitPlusBurstAtOnceThenOnePermitPerInterval() {
    RateLimiter limiter = RateLimiter.create(redis);
    String key = redis.keyNames().apiLimit(user(), "feed");
    RateLimit limit = RateLimit.of(2, HOUR).withBurst(3);

    assertThat(limiter.tryAcquire(key, limit, 5).allowed()).isTrue();
    Decision denied = limiter.tryAcquire(key, limit);

    assertThat(denied.allowed()).isFalse();
    assertThat(denied.limit()).isEqualTo(5);
    assertThat(denied.retryAfter()).as("one interval: an hour / 2")
        .isBetween(Duration.ofMinutes(30).minusSeconds(5), Duration.ofMinutes(30));
    assertThat(denied.resetAfter()).isBetween(Duration.ofMinutes(150).minusSeconds(5), Duration.ofMinutes(150));
  }

  @Test
  void slidingWindowWeighsThePreviousWindowsCountByWhatStillOverlaps() {
    RateLimiter limiter = RateLimiter.create(redis);
    String key = redis.keyNames().apiLimit(user(), "feed");
    RateLimit limit = RateLimit.slidingWindow(1_000, HOUR);
    RedisClusterCommands<String, String> commands = TestRedis.sync(redis);
    List<String> time = commands.time();
    long now = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    long window = HOUR.toMillis();
    long index = now / window;
    double stillCovered = (double) ((index + 1) * window - now) / window;
    commands.psetex(key, window, (index - 1) + ":1000:0");

    Decision peeked = limiter.peek(key, limit);

    long expected = (long) Math.floor(1_000 - 1_000 * stillCovered);
    assertThat(peeked.remaining()).isBetween(expected, expected + 1);
    assertThat(peeked.resetAfter()).isLessThanOrEqualTo(HOUR);
  }

  @Test
  void theFixedWindowRespectsAndHealsTheSeedsCounters() {
    RateLimiter limiter = RateLimiter.create(redis);
    RateLimit fivePerQuarterHour = RateLimit.fixedWindow(5, Duration.ofMinutes(15));
    RedisClusterCommands<String, String> seed = TestRedis.sync(redis);
    String counted = redis.keyNames().apiLimit(user(), "feed");
    seed.incrby(counted, 2);
    seed.expire(counted, 60);
    String leaked = redis.keyNames().apiLimit(user(), "feed");
    seed.incrby(leaked, 5);

    Decision third = limiter.tryAcquire(counted, fivePerQuarterHour);
    Decision healed = limiter.tryAcquire(leaked, fivePerQuarterHour);

    assertThat(third.remaining()).isEqualTo(2);
    assertThat(seed.ttl(counted)).as("the seed's window is kept, not extended").isBetween(1L, 60L);
    assertThat(healed.allowed()).isFalse();
    assertThat(seed.pttl(leaked)).as("a counter that never got its EXPIRE now ends")
        .isBetween(1L, Duration.ofMinutes(15).toMillis());
  }

  @Test
  void asynchronousAndBlockingFormsAgree() {
    RateLimiter limiter = RateLimiter.create(redis);
    String key = redis.keyNames().apiLimit(user(), "feed");
    RateLimit limit = RateLimit.slidingWindow(3, HOUR);

    Decision async = limiter.tryAcquireAsync(key, limit, 2).toCompletableFuture().join();
    Decision peeked = limiter.peekAsync(key, limit).toCompletableFuture().join();

    assertThat(async.remaining()).isEqualTo(1);
    assertThat(peeked.remaining()).isEqualTo(limiter.peek(key, limit).remaining()).isEqualTo(1);
    assertThat(limiter.resetAsync(key).toCompletableFuture().join()).isTrue();
    assertThat(limiter.tryAcquireAsync(key, limit).toCompletableFuture().join().remaining()).isEqualTo(2);
  }

  @Test
  void countsDecisionsByResultAndSource() {
    RateLimiter limiter = RateLimiter.create(redis);
    String key = redis.keyNames().apiLimit(user(), "feed");
    RateLimit limit = RateLimit.fixedWindow(2, HOUR);
    FeatureCounters.Counter allowed = decisions(redis, "allowed", "redis");
    FeatureCounters.Counter denied = decisions(redis, "denied", "redis");
    long allowedBefore = allowed.count();
    long deniedBefore = denied.count();

    for (int i = 0; i < 5; i++) {
      limiter.tryAcquire(key, limit);
    }
    limiter.peek(key, limit);

    assertThat(allowed.count() - allowedBefore).isEqualTo(2);
    assertThat(denied.count() - deniedBefore).as("peeks are not decisions").isEqualTo(3);
  }

  @Test
  void badInputIsRejectedBeforeAnythingIsSent() {
    RateLimiter limiter = RateLimiter.create(redis);
    RateLimit limit = RateLimit.of(10, HOUR).withBurst(5);

    assertThatThrownBy(() -> limiter.tryAcquire("k", limit, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("permits must be 1-15 for " + limit + ", was 0");
    assertThatThrownBy(() -> limiter.tryAcquire("k", limit, -2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("permits must be 1-15");
    assertThatThrownBy(() -> limiter.tryAcquire("k", limit, 16)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("permits must be 1-15");
    assertThatThrownBy(() -> limiter.tryAcquire("", limit)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key must not be empty");
    assertThatThrownBy(() -> limiter.tryAcquire(nothing(), limit)).isInstanceOf(NullPointerException.class)
        .hasMessage("key must not be null");
    assertThatThrownBy(() -> limiter.peek("k", nothing())).isInstanceOf(NullPointerException.class)
        .hasMessage("limit must not be null");
    assertThatThrownBy(() -> RateLimiter.create(redis, nothing())).isInstanceOf(NullPointerException.class)
        .hasMessage("policy must not be null");
    assertThat(TestRedis.sync(redis).exists("k")).isZero();
  }

  static FeatureCounters.Counter decisions(RedisService redis, String result, String source) {
    return redis.runtime().counters().counter("cloutsy.redis.ratelimit.decisions", "result", result, "source", source);
  }

  private static <T> T nothing() {
    return null;
  }
}
