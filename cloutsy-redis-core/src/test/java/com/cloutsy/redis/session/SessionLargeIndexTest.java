package com.cloutsy.redis.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.FeatureCounters;
import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisMatrix;
import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Indexes larger than the session scripts handle whole (a legacy index the seed's code left behind, or one kept
 * without a limit): every flow stays correct in bounded steps, and {@link SessionStore#cleanIndex} brings the index
 * back. The scale test with a million entries and the server's slow log is {@code SessionIndexScaleIT}.
 */
@RunsAs(LeastPrivilege.SESSIONS)
@RedisMatrix(topologies = {Topology.SINGLE, Topology.CLUSTER})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionLargeIndexTest {

  /** Dead entries that make an index too large to handle whole (over twice MAX_SESSIONS_PER_USER). */
  private static final int DEAD = 2_000;
  private static final Device PHONE = Device.of("iphone-1", "Cloutsy/3.2", UserType.INFLUENCER);

  private final RedisService redis;
  private final RedisClusterCommands<String, String> raw;
  private final SessionStore store;
  private final FeatureCounters.Counter oversized;

  SessionLargeIndexTest(RedisEndpoint endpoint) {
    redis = TestRedis.start(endpoint);
    raw = TestRedis.sync(redis);
    store = SessionStore.create(redis);
    oversized = redis.runtime().counters().counter("cloutsy.redis.sessions.index.oversized");
  }

  @AfterAll
  void close() {
    redis.close();
  }

  @Test
  void everyFlowStaysCorrectOnAnIndexTooLargeToHandleWhole() {
    String user = newUser();
    for (String jti : List.of("a", "b", "c")) {
      store.create(user, jti, PHONE);
    }
    addDeadEntries(user, DEAD);
    long oversizedBefore = oversized.count();

    SessionCreated d = store.create(user, "d", PHONE);
    assertThat(d.evicted()).isEmpty();
    assertThat(oversized.count() - oversizedBefore).as("the create reports the oversized index").isEqualTo(1);
    assertThat(raw.scard(index(user))).as("the create pruned its sample of dead entries, no more")
        .isBetween((long) DEAD + 4 - 128, (long) DEAD + 4 - 1);
    assertThat(store.touch(user, "a")).isPresent();
    assertThat(raw.pttl(index(user))).as("the index lives at least as long as the touched session")
        .isGreaterThanOrEqualTo(raw.pttl(key(user, "a")));

    assertThat(store.count(user)).isEqualTo(4);
    assertThat(raw.smembers(index(user))).as("the walk dropped every dead entry")
        .containsExactlyInAnyOrder("a", "b", "c", "d");

    addDeadEntries(user, DEAD);
    assertThat(store.list(user)).extracting(Session::jti).containsExactly("a", "b", "c", "d");
    addDeadEntries(user, DEAD);
    assertThat(store.revoke(user, "b")).isTrue();
    assertThat(store.get(user, "b")).isEmpty();
    assertThat(store.revokeAllExcept(user, "a")).isEqualTo(2);
    assertThat(store.get(user, "c")).isEmpty();
    assertThat(store.get(user, "d")).isEmpty();
    assertThat(raw.smembers(index(user))).containsExactly("a");

    addDeadEntries(user, DEAD);
    assertThat(store.revokeAll(user)).isEqualTo(1);
    assertThat(store.get(user, "a")).isEmpty();
    assertThat(raw.exists(index(user))).as("nothing is left of the index").isZero();
  }

  @Test
  void cleaningDropsDeadEntriesAndEvictsTheOldestSessionsOverTheLimit() {
    SessionStore limited = SessionStore.create(redis, SessionPolicy.defaults().withMaxSessionsPerUser(3));
    String user = newUser();
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < 5; i++) {
      seedCreates(user, "s" + i, start.plusSeconds(i));
    }
    addDeadEntries(user, DEAD);

    IndexCleanup cleanup = limited.cleanIndex(user);

    assertThat(cleanup).isEqualTo(new IndexCleanup(DEAD, 2, 3));
    assertThat(raw.smembers(index(user))).containsExactlyInAnyOrder("s2", "s3", "s4");
    assertThat(raw.exists(key(user, "s0"), key(user, "s1"))).as("the two oldest were ended").isZero();
    assertThat(limited.cleanIndex(user)).as("a clean index is left alone").isEqualTo(new IndexCleanup(0, 0, 3));
  }

  @Test
  void theHighestLimitIsHandledWholeEvenWithAsManyDeadEntriesAgain() throws Exception {
    int max = SessionPolicy.MAX_SESSIONS_PER_USER;
    SessionStore limited = SessionStore.create(redis, SessionPolicy.defaults().withMaxSessionsPerUser(max));
    String user = newUser();
    List<CompletableFuture<SessionCreated>> creates = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      creates.add(limited.createAsync(user, String.format("s%04d", i), PHONE).toCompletableFuture());
      if (creates.size() == 100) {
        CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        creates.clear();
      }
    }
    CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    addDeadEntries(user, max - 1);
    long oversizedBefore = oversized.count();

    SessionCreated one = limited.create(user, "new", PHONE);

    assertThat(oversized.count()).as("handled whole").isEqualTo(oversizedBefore);
    assertThat(one.evicted()).hasSize(1);
    assertThat(raw.scard(index(user))).isEqualTo(max);
  }

  @Test
  void aWalkThatTakesLongerThanTheCommandTimeoutIsNotCutShort(RedisEndpoint endpoint) {
    Duration timeout = Duration.ofMillis(200);
    try (RedisService quick = RedisService.start(TestRedis.settings(endpoint).commandTimeout(timeout).build())) {
      SessionStore sessions = SessionStore.create(quick);
      String user = newUser();
      sessions.create(user, "a", PHONE);
      String index = quick.keyNames().sessionIndex(user);
      RedisClusterCommands<String, String> seeder = TestRedis.syncAt(redis, index);
      for (int batch = 0; batch < 400; batch++) {
        int first = batch * 1_000;
        seeder.sadd(index, IntStream.range(first, first + 1_000).mapToObj(i -> "gone-" + i).toArray(String[]::new));
      }

      long start = System.nanoTime();
      assertThat(sessions.count(user)).isEqualTo(1);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).as("the walk outlasted the bound of one command, so the test shows something")
          .isGreaterThan(timeout.plusMillis(100));
      assertThat(seeder.smembers(index)).containsExactly("a");
    }
  }

  private void addDeadEntries(String user, int count) {
    String[] entries = IntStream.range(0, count).mapToObj(i -> "gone-" + UUID.randomUUID()).toArray(String[]::new);
    for (int from = 0; from < count; from += 500) {
      String[] batch = new String[Math.min(500, count - from)];
      System.arraycopy(entries, from, batch, 0, batch.length);
      raw.sadd(index(user), batch);
    }
  }

  /** What the seed's code writes for a session: its JSON with a TTL, and an index entry. */
  private void seedCreates(String user, String jti, Instant createdAt) {
    raw.set(key(user, jti), "{\"deviceId\":\"d-" + jti + "\",\"userAgent\":\"okhttp/4.12\",\"createdAt\":\""
        + createdAt + "\",\"userType\":\"influencer\"}", SetArgs.Builder.ex(3_600));
    raw.sadd(index(user), jti);
  }

  private static String newUser() {
    return "u-" + UUID.randomUUID();
  }

  private String key(String user, String jti) {
    return redis.keyNames().session(user, jti);
  }

  private String index(String user) {
    return redis.keyNames().sessionIndex(user);
  }
}
