package com.cloutsy.redis.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The scale test: a seed-written index of a million dead entries, and a user with a hundred thousand live
 * sessions. Every flow stays correct, no command runs longer than 10 ms on the server (its slow log stays empty),
 * and another client's GETs keep a p99 under 20 ms while the flows run. On its own server, so that the slow log and
 * the latency are this test's alone.
 */
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionIndexScaleIT {

  private static final int LEGACY_ENTRIES = 1_000_000;
  private static final int LIVE_SESSIONS = 100_000;
  private static final long SLOW_MICROS = 10_000;
  private static final Duration GET_P99_BOUND = Duration.ofMillis(20);
  /** The name of the connection that writes what the seed's code would, whose own commands are not under test. */
  private static final String SEEDER = "seeder";
  private static final long PROBE_INTERVAL_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
  private static final Device PHONE = Device.of("iphone-1", "Cloutsy/3.2", UserType.INFLUENCER);

  private EmbeddedRedis server;
  private RedisClient rawClient;
  private RedisCommands<String, String> raw;
  private RedisAsyncCommands<String, String> rawAsync;
  private RedisService redis;
  private SessionStore store;

  @BeforeAll
  void start() {
    server = EmbeddedRedis.builder().config("slowlog-log-slower-than", Long.toString(SLOW_MICROS))
        .config("slowlog-max-len", "1024").start();
    rawClient = RedisClient.create(server.uri());
    StatefulRedisConnection<String, String> connection = rawClient.connect();
    raw = connection.sync();
    raw.clientSetname(SEEDER);
    rawAsync = connection.async();
    redis = RedisService.start(RedisSettings.builder().url(server.uri()).build());
    store = SessionStore.create(redis);
  }

  @AfterAll
  void stop() {
    redis.close();
    rawClient.shutdown();
    server.close();
  }

  @Test
  void aMillionLegacyEntriesBlockNobody() throws Exception {
    String user = "legacy";
    for (String jti : List.of("a", "b", "c")) {
      store.create(user, jti, PHONE);
    }
    addDeadEntries(user, LEGACY_ENTRIES);

    Figures figures = whileProbing(() -> {
      List<String> timings = new ArrayList<>();
      timings.add(timed("create", () -> assertThat(store.create(user, "d", PHONE).evicted()).isEmpty()));
      timings.add(timed("touch", () -> assertThat(store.touch(user, "a")).isPresent()));
      timings.add(timed("revoke", () -> assertThat(store.revoke(user, "c")).isTrue()));
      assertThat(raw.scard(index(user))).as("the writes pruned only their samples")
          .isGreaterThan(LEGACY_ENTRIES - 3 * 128L);
      timings.add(timed("list", () -> assertThat(store.list(user)).extracting(Session::jti)
          .containsExactly("a", "b", "d")));
      assertThat(raw.smembers(index(user))).containsExactlyInAnyOrder("a", "b", "d");

      addDeadEntries(user, LEGACY_ENTRIES);
      timings.add(timed("count", () -> assertThat(store.count(user)).isEqualTo(3)));
      addDeadEntries(user, LEGACY_ENTRIES);
      timings.add(timed("cleanIndex", () -> assertThat(store.cleanIndex(user))
          .isEqualTo(new IndexCleanup(LEGACY_ENTRIES, 0, 3))));
      addDeadEntries(user, LEGACY_ENTRIES);
      timings.add(timed("revokeAllExcept", () -> assertThat(store.revokeAllExcept(user, "a")).isEqualTo(2)));
      assertThat(raw.smembers(index(user))).containsExactly("a");
      addDeadEntries(user, LEGACY_ENTRIES);
      timings.add(timed("revokeAll", () -> assertThat(store.revokeAll(user)).isEqualTo(1)));
      assertThat(raw.exists(index(user))).isZero();
      return timings;
    });

    figures.print("a million legacy entries");
    figures.assertBounded();
  }

  @Test
  void aHundredThousandLiveSessionsBlockNobody() throws Exception {
    String crowd = "crowd";
    String other = "crowd-2";
    seedLiveSessions(crowd, LIVE_SESSIONS);
    seedLiveSessions(other, LIVE_SESSIONS);

    Figures figures = whileProbing(() -> {
      List<String> timings = new ArrayList<>();
      timings.add(timed("create", () -> assertThat(store.create(crowd, "new", PHONE).evicted()).isEmpty()));
      timings.add(timed("touch", () -> assertThat(store.touch(crowd, "s-7")).isPresent()));
      timings.add(timed("count", () -> assertThat(store.count(crowd)).isEqualTo(LIVE_SESSIONS + 1)));
      timings.add(timed("list", () -> assertThat(store.list(crowd)).hasSize(LIVE_SESSIONS + 1)
          .first().extracting(Session::jti).isEqualTo("s-0")));
      timings.add(timed("revoke", () -> assertThat(store.revoke(crowd, "s-0")).isTrue()));
      int limit = store.policy().maxSessionsPerUser();
      timings.add(timed("cleanIndex", () -> assertThat(store.cleanIndex(crowd))
          .isEqualTo(new IndexCleanup(0, LIVE_SESSIONS - limit, limit))));
      assertThat(store.list(crowd)).as("the newest sessions stay").hasSize(limit)
          .extracting(Session::jti).contains("new").doesNotContain("s-1");
      timings.add(timed("revokeAll", () -> assertThat(store.revokeAll(other)).isEqualTo(LIVE_SESSIONS)));
      assertThat(raw.exists(index(other))).isZero();
      assertThat(raw.exists(key(other, "s-1"), key(other, "s-99999"))).isZero();
      return timings;
    });

    figures.print("a hundred thousand live sessions");
    figures.assertBounded();
  }

  /** Runs {@code flows} while another client GETs a key in a loop, with a fresh slow log. */
  private Figures whileProbing(Supplier<List<String>> flows) throws Exception {
    raw.set("probe", "value");
    raw.slowlogReset();
    AtomicBoolean done = new AtomicBoolean();
    List<Long> latencies = new ArrayList<>();
    Thread prober = new Thread(() -> {
      try (StatefulRedisConnection<String, String> second = rawClient.connect()) {
        RedisCommands<String, String> probe = second.sync();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!done.get() && latencies.size() < 1_000_000 && System.nanoTime() < deadline) {
          long start = System.nanoTime();
          probe.get("probe");
          latencies.add(System.nanoTime() - start);
          // Paced like a service's traffic, so that the probe does not take the CPU the server needs.
          LockSupport.parkNanos(PROBE_INTERVAL_NANOS);
        }
      }
    }, "second-client");
    prober.start();
    List<String> timings;
    try {
      timings = flows.get();
    } finally {
      done.set(true);
      prober.join(10_000);
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    List<Object> slow = raw.slowlogGet(1024).stream().filter(entry -> !SEEDER.equals(clientName(entry))).toList();
    return new Figures(timings, sorted, slow.size(), slow.subList(0, Math.min(10, slow.size())));
  }

  /** The client name of a SLOWLOG GET entry: {id, time, micros, arguments, address, name}. */
  private static Object clientName(Object entry) {
    List<?> fields = (List<?>) entry;
    return fields.size() > 5 ? fields.get(5) : "";
  }

  private record Figures(List<String> timings, long[] getNanos, long slowCommands, List<Object> slowest) {

    Duration getP99() {
      return Duration.ofNanos(getNanos[(int) Math.min(getNanos.length - 1, Math.ceil(getNanos.length * 0.99) - 1)]);
    }

    void print(String what) {
      System.out.printf("SessionIndexScaleIT %s: %s; second client %d GETs, p99 %.2f ms, max %.2f ms; slow log"
          + " entries over %d ms: %d%n", what, String.join(", ", timings), getNanos.length,
          getP99().toNanos() / 1e6, getNanos[getNanos.length - 1] / 1e6, SLOW_MICROS / 1000, slowCommands);
    }

    void assertBounded() {
      assertThat(slowCommands).as("commands slower than 10 ms in the slow log: %s", slowest).isZero();
      assertThat(getNanos.length).as("the second client got answers").isGreaterThan(1_000);
      assertThat(getP99()).as("the second client's GET p99").isLessThan(GET_P99_BOUND);
    }
  }

  private static String timed(String flow, Runnable call) {
    long start = System.nanoTime();
    call.run();
    return flow + " " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms";
  }

  /** What the seed's code leaves behind: entries of sessions long expired, added a thousand per SADD. */
  private void addDeadEntries(String user, int count) {
    List<RedisFuture<Long>> pending = new ArrayList<>();
    String[] batch = new String[1_000];
    for (int i = 0; i < count; i += batch.length) {
      for (int j = 0; j < batch.length; j++) {
        batch[j] = "expired-" + (i + j) + "-" + System.nanoTime();
      }
      pending.add(rawAsync.sadd(index(user), Arrays.copyOf(batch, batch.length)));
      if (pending.size() == 100) {
        awaitAll(pending);
      }
    }
    awaitAll(pending);
  }

  /** Live sessions as the seed's code writes them, the first created first. */
  private void seedLiveSessions(String user, int count) {
    // Recent enough that no session is past the default absolute lifetime.
    Instant start = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
    List<RedisFuture<?>> pending = new ArrayList<>();
    List<String> jtis = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String jti = "s-" + i;
      pending.add(rawAsync.set(key(user, jti), "{\"deviceId\":\"d-" + i + "\",\"userAgent\":\"okhttp/4.12\","
          + "\"createdAt\":\"" + start.plusSeconds(i) + "\",\"userType\":\"influencer\"}", SetArgs.Builder.ex(3_600)));
      jtis.add(jti);
      if (jtis.size() == 1_000) {
        pending.add(rawAsync.sadd(index(user), jtis.toArray(String[]::new)));
        jtis.clear();
        awaitAll(pending);
      }
    }
    if (!jtis.isEmpty()) {
      pending.add(rawAsync.sadd(index(user), jtis.toArray(String[]::new)));
    }
    awaitAll(pending);
  }

  private static void awaitAll(List<? extends RedisFuture<?>> pending) {
    for (RedisFuture<?> future : pending) {
      assertThat(future.toCompletableFuture()).succeedsWithin(Duration.ofSeconds(30));
    }
    pending.clear();
  }

  private String key(String user, String jti) {
    return redis.keyNames().session(user, jti);
  }

  private String index(String user) {
    return redis.keyNames().sessionIndex(user);
  }
}
