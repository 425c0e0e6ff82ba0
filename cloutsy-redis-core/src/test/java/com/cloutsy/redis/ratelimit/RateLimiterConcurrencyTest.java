package com.cloutsy.redis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisMatrix;
import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.RedisEndpoint;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exactness under contention: 16 threads × 1,000 calls on one key with a limit of 100 admit exactly 100, from one
 * service and from two; the seed's GET-then-MULTI pattern under the same load admits more. Every key left behind
 * has a TTL.
 */
@RunsAs(LeastPrivilege.RATE_LIMIT)
@RedisMatrix(topologies = {Topology.SINGLE, Topology.CLUSTER})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimiterConcurrencyTest {

  private static final int THREADS = 16;
  private static final int CALLS = 1_000;
  private static final int LIMIT = 100;
  private static final Duration HOUR = Duration.ofHours(1);

  private final RedisSettings settings;
  private final RedisService first;
  private final RedisService second;
  /** The seed's code, which does not run as the rate limiter's ACL user: its pattern needs MULTI. */
  private final RedisService seedsCode;
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  RateLimiterConcurrencyTest(RedisEndpoint endpoint) {
    settings = TestRedis.settings(endpoint).build();
    first = RedisService.start(settings);
    second = RedisService.start(settings);
    seedsCode = RedisService.start(settings.toBuilder().username(null).password(null).build());
  }

  @AfterAll
  void close() {
    pool.shutdownNow();
    first.close();
    second.close();
    seedsCode.close();
  }

  static Stream<RateLimit> hundredPerHour() {
    // A GCRA bucket of 100 refills one permit every 36 s, far longer than the test; the last one holds its 100
    // as burst over a rate of one an hour.
    return Stream.of(RateLimit.fixedWindow(LIMIT, HOUR), RateLimit.slidingWindow(LIMIT, HOUR),
        RateLimit.of(LIMIT, HOUR), RateLimit.of(1, HOUR).withBurst(LIMIT - 1));
  }

  @ParameterizedTest
  @MethodSource("hundredPerHour")
  void admitsExactlyTheLimitUnderContention(RateLimit limit) throws Exception {
    RateLimiter limiter = RateLimiter.create(first);
    String key = first.keyNames().apiLimit(UUID.randomUUID().toString(), "hot");

    long admitted = hammer(thread -> () -> limiter.tryAcquire(key, limit).allowed());

    assertThat(admitted).isEqualTo(LIMIT);
    assertThat(limiter.peek(key, limit).remaining()).isZero();
    assertEveryKeyExpires();
  }

  @ParameterizedTest
  @MethodSource("hundredPerHour")
  void admitsExactlyTheLimitAcrossTwoServices(RateLimit limit) throws Exception {
    RateLimiter one = RateLimiter.create(first);
    RateLimiter other = RateLimiter.create(second);
    String key = first.keyNames().apiLimit(UUID.randomUUID().toString(), "hot");

    long admitted = hammer(thread -> () -> (thread % 2 == 0 ? one : other).tryAcquire(key, limit).allowed());

    assertThat(admitted).isEqualTo(LIMIT);
    assertEveryKeyExpires();
  }

  @Test
  void theSeedsGetThenMultiPatternOverAdmitsUnderTheSameLoad() throws Exception {
    String key = first.keyNames().apiLimit(UUID.randomUUID().toString(), "hot");
    List<StatefulConnection<String, String>> connections = new ArrayList<>();
    List<RedisCommands<String, String>> perThread = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      perThread.add(connectToServerOf(key, connections));
    }
    try {
      // The seed's OTP request limiting, verbatim: read the counter, compare, then count in a transaction.
      long admitted = hammer(thread -> {
        RedisCommands<String, String> redis = perThread.get(thread);
        return () -> {
          int attempts = Integer.parseInt(orZero(redis.get(key)));
          if (attempts >= LIMIT) {
            return false;
          }
          redis.multi();
          redis.incr(key);
          redis.expire(key, HOUR.toSeconds());
          redis.exec();
          return true;
        };
      });
      long counted = Long.parseLong(first.get(key));

      System.out.printf("seed GET-then-MULTI pattern, %d threads x %d calls, limit %d: admitted %d (%d over)%n",
          THREADS, CALLS, LIMIT, admitted, admitted - LIMIT);
      assertThat(admitted).as("the seed's pattern admits more than its limit under contention")
          .isGreaterThan(LIMIT).isEqualTo(counted);
    } finally {
      connections.forEach(StatefulConnection::close);
    }
    assertEveryKeyExpires();
  }

  @Test
  void noKeyIsLeftWithoutATtlAfterAMixedRun() throws Exception {
    RateLimiter limiter = RateLimiter.create(first);
    Cooldown cooldown = Cooldown.create(second);
    Map<String, RateLimit> limits = new HashMap<>();
    hundredPerHour().forEach(
        limit -> limits.put(first.keyNames().apiLimit(UUID.randomUUID().toString(), "mixed"), limit));

    hammer(thread -> () -> {
      for (Map.Entry<String, RateLimit> entry : limits.entrySet()) {
        limiter.tryAcquire(entry.getKey(), entry.getValue(), 1 + thread % 3);
        limiter.peek(entry.getKey(), entry.getValue());
      }
      return cooldown.tryStart(second.keyNames().otpCooldown("+1555" + thread), Duration.ofMinutes(1)).allowed();
    }, 50);

    assertThat(scan()).hasSizeGreaterThanOrEqualTo(limits.size() + THREADS);
    assertEveryKeyExpires();
  }

  private long hammer(IntFunction<Callable<Boolean>> callers) throws Exception {
    return hammer(callers, CALLS);
  }

  /** Runs each thread's caller {@code calls} times, all threads released at once; counts the admitted calls. */
  private long hammer(IntFunction<Callable<Boolean>> callers, int calls) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Long>> runs = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Callable<Boolean> caller = callers.apply(t);
      runs.add(pool.submit(() -> {
        start.await();
        long admitted = 0;
        for (int i = 0; i < calls; i++) {
          if (caller.call()) {
            admitted++;
          }
        }
        return admitted;
      }));
    }
    start.countDown();
    long admitted = 0;
    for (Future<Long> run : runs) {
      admitted += run.get(60, TimeUnit.SECONDS);
    }
    return admitted;
  }

  /**
   * A connection of this thread's own (MULTI must not share one) to the server that holds {@code key}: on a cluster,
   * the master of its slot, through a cluster connection of its own; what was opened goes into {@code opened}.
   */
  private RedisCommands<String, String> connectToServerOf(String key, List<StatefulConnection<String, String>> opened) {
    if (!seedsCode.isCluster()) {
      StatefulRedisConnection<String, String> connection = seedsCode.client().connect(seedsCode.redisUri());
      opened.add(connection);
      return connection.sync();
    }
    StatefulRedisClusterConnection<String, String> cluster = seedsCode.clusterClient().connect();
    opened.add(cluster);
    RedisURI master = cluster.getPartitions().getPartitionBySlot(SlotHash.getSlot(key)).getUri();
    return cluster.getConnection(master.getHost(), master.getPort()).sync();
  }

  private void assertEveryKeyExpires() {
    RedisClusterCommands<String, String> redis = TestRedis.sync(first);
    List<String> keys = scan();
    assertThat(keys).isNotEmpty().allSatisfy(key -> assertThat(redis.pttl(key)).as("TTL of %s", key).isPositive());
  }

  /** Every key of this test's prefix; on a cluster, SCAN walks every master in turn. */
  private List<String> scan() {
    ScanArgs matchOurs = ScanArgs.Builder.matches(settings.keyPrefix() + "*").limit(1_000);
    List<String> keys = new ArrayList<>();
    ScanIterator.scan(TestRedis.sync(first), matchOurs).forEachRemaining(keys::add);
    return keys;
  }

  private static String orZero(String value) {
    return value == null ? "0" : value;
  }
}
