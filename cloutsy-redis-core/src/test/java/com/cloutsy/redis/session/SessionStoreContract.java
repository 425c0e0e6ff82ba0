package com.cloutsy.redis.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.cloutsy.redis.FeatureCounters;
import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisMatrix;
import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.keys.KeyLayout;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The behaviour every {@link SessionStore} must show, whatever the key layout and whether values are encrypted;
 * each subclass runs it with or without encryption in every layout of the matrix, under a key prefix of its own.
 */
@RunsAs(LeastPrivilege.SESSIONS)
@RedisMatrix(layouts = {KeyLayout.SEED, KeyLayout.CLUSTER}, topologies = {Topology.SINGLE, Topology.CLUSTER})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SessionStoreContract {

  static final Device PHONE = Device.of("iphone-15-7F3A", "Cloutsy/3.2 (iPhone; iOS 17.4)", UserType.INFLUENCER);
  static final Device LAPTOP = Device.of("mbp-2", "Mozilla/5.0 (Macintosh)", UserType.BRAND)
      .withAttribute("ip", "203.0.113.7")
      .withAttribute("appVersion", "3.2.0");

  private final @Nullable SessionEncryption encryption;
  RedisService redis;
  SessionStore store;
  RedisClusterCommands<String, String> raw;

  SessionStoreContract(@Nullable SessionEncryption encryption) {
    this.encryption = encryption;
  }

  @RedisMatrix.BeforeInvocation
  void start(RedisEndpoint endpoint, KeyLayout layout) {
    redis = TestRedis.start(endpoint, layout);
    store = SessionStore.create(redis, policy());
    raw = TestRedis.sync(redis);
  }

  @RedisMatrix.AfterInvocation
  void close() {
    redis.close();
  }

  /** The defaults, with this configuration's encryption. */
  SessionPolicy policy() {
    return encryption == null ? SessionPolicy.defaults() : SessionPolicy.defaults().withEncryption(encryption);
  }

  SessionStore store(SessionPolicy policy) {
    return SessionStore.create(redis, policy);
  }

  static String newUser() {
    return "u-" + UUID.randomUUID();
  }

  String key(String userId, String jti) {
    return redis.keyNames().session(userId, jti);
  }

  String index(String userId) {
    return redis.keyNames().sessionIndex(userId);
  }

  private static List<String> jtis(List<Session> sessions) {
    return sessions.stream().map(Session::jti).toList();
  }

  /**
   * Issue 18: get's remaining TTL is the key's, from the server, not the stored expiresAt measured with this JVM's
   * clock, so a clock that is hours off cannot change it. The key's TTL is cut behind the value's back, as only the
   * server's view can tell.
   */
  @Test
  void getReportsTheServersTtlNotTheStoredExpiryAgainstTheLocalClock() {
    String user = newUser();
    store.create(user, "jti-ttl", PHONE);
    raw.pexpire(key(user, "jti-ttl"), Duration.ofMinutes(90).toMillis());

    Session read = store.get(user, "jti-ttl").orElseThrow();

    assertThat(read.remainingTtl()).isBetween(Duration.ofMinutes(89), Duration.ofMinutes(90));
    raw.persist(key(user, "jti-ttl"));
    assertThat(store.get(user, "jti-ttl").orElseThrow().remainingTtl()).isEqualTo(ChronoUnit.FOREVER.getDuration());
  }

  @Test
  void aCreatedSessionIsReadBackWithItsDeviceTimesAndTtl() {
    String user = newUser();
    Instant before = Instant.now();

    SessionCreated created = store.create(user, "jti-1", LAPTOP);
    Session read = store.get(user, "jti-1").orElseThrow();

    assertThat(created.evicted()).isEmpty();
    assertThat(created.session()).isEqualTo(new Session("jti-1", "mbp-2", "Mozilla/5.0 (Macintosh)", UserType.BRAND,
        read.createdAt(), read.createdAt(), SessionPolicy.DEFAULT_TTL, LAPTOP.attributes()));
    assertThat(read.device()).isEqualTo(LAPTOP);
    assertThat(read.lastSeenAt()).isEqualTo(read.createdAt());
    assertThat(read.createdAt()).as("the server's clock, near ours")
        .isBetween(before.minusSeconds(5), Instant.now().plusSeconds(5));
    assertThat(read.remainingTtl()).isBetween(SessionPolicy.DEFAULT_TTL.minusSeconds(10), SessionPolicy.DEFAULT_TTL);
    assertThat(raw.pttl(key(user, "jti-1"))).isBetween(SessionPolicy.DEFAULT_TTL.minusSeconds(10).toMillis(),
        SessionPolicy.DEFAULT_TTL.toMillis());
    assertThat(raw.smembers(index(user))).containsExactly("jti-1");
    assertThat(raw.pttl(index(user))).isGreaterThanOrEqualTo(raw.pttl(key(user, "jti-1")));
  }

  @Test
  void asynchronousFormsGiveTheSameResults() {
    String user = newUser();

    SessionCreated created = store.createAsync(user, "jti-a", PHONE).toCompletableFuture().join();
    Session read = store.getAsync(user, "jti-a").toCompletableFuture().join().orElseThrow();
    Session minted = store.createAsync(user, PHONE).toCompletableFuture().join().session();

    assertThat(read.device()).isEqualTo(created.session().device());
    assertThat(store.getAsync(user, "other").toCompletableFuture().join()).isEmpty();
    assertThat(store.touchAsync(user, "jti-a").toCompletableFuture().join()).isPresent();
    assertThat(jtis(store.listAsync(user).toCompletableFuture().join()))
        .containsExactlyInAnyOrder("jti-a", minted.jti());
    assertThat(store.countAsync(user).toCompletableFuture().join()).isEqualTo(2);
    assertThat(store.revokeAsync(user, "jti-a").toCompletableFuture().join()).isTrue();
    assertThat(store.revokeAllExceptAsync(user, minted.jti()).toCompletableFuture().join()).isZero();
    assertThat(store.revokeAllAsync(user).toCompletableFuture().join()).isEqualTo(1);
  }

  @Test
  void withoutAJtiTheStoreMintsA128BitUrlSafeOne() {
    String user = newUser();

    Session session = store.create(user, PHONE).session();

    assertThat(session.jti()).matches("[A-Za-z0-9_-]{22}");
    assertThat(Base64.getUrlDecoder().decode(session.jti())).hasSize(16);
    assertThat(store.get(user, session.jti())).isPresent();
    Set<String> minted = new HashSet<>();
    IntStream.range(0, 10_000).forEach(i -> minted.add(SessionStore.newJti()));
    assertThat(minted).hasSize(10_000);
  }

  @Test
  void aJtiThatNamesALiveSessionIsRefusedAndNothingChanges() {
    String user = newUser();
    store.create(user, "jti-1", PHONE);
    String before = raw.get(key(user, "jti-1"));

    assertThatThrownBy(() -> store.create(user, "jti-1", LAPTOP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jti already names a live session of user " + user);
    assertThat(raw.get(key(user, "jti-1"))).isEqualTo(before);
    assertThat(store.count(user)).isEqualTo(1);
  }

  @Test
  void anUnknownSessionIsEmptyEverywhere() {
    String user = newUser();

    assertThat(store.get(user, "nope")).isEmpty();
    assertThat(store.touch(user, "nope")).isEmpty();
    assertThat(store.list(user)).isEmpty();
    assertThat(store.count(user)).isZero();
    assertThat(store.revoke(user, "nope")).isFalse();
    assertThat(store.revokeAll(user)).isZero();
    assertThat(raw.exists(key(user, "nope"), index(user))).as("touch created nothing").isZero();
  }

  @Test
  void invalidIdsAreRefusedAtOnceNamingTheArgument() {
    assertThatThrownBy(() -> store.get("", "jti")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("userId must not be empty");
    assertThatThrownBy(() -> store.createAsync("42", "j".repeat(257), PHONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("jti must be at most");
    assertThatThrownBy(() -> store.revokeAllExcept("42", "")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("jti must not be empty");
    assertThatThrownBy(() -> store.create("42", "jti", null)).isInstanceOf(NullPointerException.class)
        .hasMessage("device must not be null");
  }

  @Test
  void touchRecordsActivityAndSlidesTheExpiryToTheIdleTimeout() {
    SessionStore sliding = store(policy().withTtl(Duration.ofMinutes(1)).withIdleTimeout(Duration.ofHours(1))
        .withAbsoluteLifetime(Duration.ofHours(2)));
    String user = newUser();
    Session created = sliding.create(user, "jti-1", PHONE).session();

    Session touched = sliding.touch(user, "jti-1").orElseThrow();

    assertThat(touched.remainingTtl()).isBetween(Duration.ofMinutes(59), Duration.ofHours(1));
    assertThat(raw.pttl(key(user, "jti-1"))).isBetween(Duration.ofMinutes(59).toMillis(), 3_600_000L);
    assertThat(raw.pttl(index(user))).as("the index outlives the session").isGreaterThanOrEqualTo(3_500_000L);
    assertThat(touched.lastSeenAt()).isAfterOrEqualTo(touched.createdAt());
    assertThat(touched.createdAt()).isEqualTo(created.createdAt());
    assertThat(touched.device()).isEqualTo(PHONE);
    Session read = sliding.get(user, "jti-1").orElseThrow();
    assertThat(read.lastSeenAt()).isEqualTo(touched.lastSeenAt());
    assertThat(read.remainingTtl()).isBetween(Duration.ofMinutes(59), Duration.ofHours(1));
  }

  @Test
  void touchNeverExtendsASessionPastItsAbsoluteLifetime() {
    Duration lifetime = Duration.ofSeconds(2);
    Duration idle = Duration.ofMillis(1_500);
    SessionStore capped = store(policy().withAbsoluteLifetime(lifetime).withTtl(idle).withIdleTimeout(idle));
    String user = newUser();
    long started = System.nanoTime();
    capped.create(user, "jti-1", PHONE);
    await().atMost(Duration.ofSeconds(2)).until(() -> System.nanoTime() - started >= 700_000_000L);

    Session touched = capped.touch(user, "jti-1").orElseThrow();

    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    assertThat(touched.remainingTtl()).as("the cap, not the idle timeout")
        .isLessThanOrEqualTo(lifetime.minusMillis(600))
        .isLessThanOrEqualTo(lifetime.minus(elapsed).plusMillis(200));
    await().atMost(Duration.ofSeconds(4)).until(() -> capped.get(user, "jti-1").isEmpty());
    assertThat(capped.touch(user, "jti-1")).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(lifetime.plusSeconds(2));
  }

  @Test
  void touchKeepsFieldsAnotherServiceWroteByteForByte() {
    assumeTrue(encryption == null, "another service writes plain values, which encryption refuses");
    String user = newUser();
    String foreign = "\"snowflake\" : 1234567890123456789012,\n  \"ratio\":1.50e3, \"tags\":[],\n"
        + "  \"nested\":{\"a\":[1,{\"b\":\"} ] {\"}],\"c\":{}},\n  \"note\":\"quote \\\" brace } backslash \\\\\","
        + " \"accent\":\"\\u00e9t\u00e9\", \"flag\":false, \"none\":null";
    String value = "{\n  \"deviceId\":\"web-1\", \"userAgent\":\"Mozilla\", \"createdAt\":\"" + Instant.now()
        + "\",\n  \"userType\":\"brand\",\n  " + foreign + ",\n  \"lastSeenAt\" : \"2000-01-01T00:00:00.000Z\"\n}\n";
    raw.set(key(user, "jti-1"), value);
    raw.sadd(index(user), "jti-1");

    Session touched = store.touch(user, "jti-1").orElseThrow();

    String stored = raw.get(key(user, "jti-1"));
    assertThat(stored).contains(foreign).startsWith("{\n  \"deviceId\":\"web-1\"").endsWith("\n}\n")
        .doesNotContain("2000-01-01").contains("\"lastSeenAt\" : \"" + touched.lastSeenAt() + "\"")
        .contains("\"expiresAt\":\"", "\"absoluteExpiresAt\":\"");
    assertThat(touched.attributes()).containsEntry("snowflake", "1234567890123456789012")
        .containsEntry("tags", "[]").containsEntry("note", "quote \" brace } backslash \\")
        .containsEntry("accent", "\u00e9t\u00e9").containsEntry("flag", "false").doesNotContainKey("none");
    assertThat(touched.userType()).isEqualTo(UserType.BRAND);
  }

  @Test
  void listReturnsEveryDeviceOldestFirstWithItsRemainingTtl() {
    String user = newUser();
    store.create(user, "a", PHONE);
    store.create(user, "b", LAPTOP);
    store.create(user, "c", PHONE.withAttribute("ip", "198.51.100.1"));

    List<Session> sessions = store.list(user);

    assertThat(jtis(sessions)).containsExactly("a", "b", "c");
    assertThat(sessions.get(1).device()).isEqualTo(LAPTOP);
    assertThat(sessions.get(2).attributes()).containsEntry("ip", "198.51.100.1");
    assertThat(sessions).allSatisfy(session -> assertThat(session.remainingTtl())
        .isBetween(SessionPolicy.DEFAULT_TTL.minusSeconds(10), SessionPolicy.DEFAULT_TTL));
    assertThat(store.count(user)).isEqualTo(3);
  }

  /** The test: a thousand expired sessions leave neither list nor index behind. */
  @Test
  void aThousandExpiredSessionsLeaveAnEmptyListAndAnEmptyIndex() throws Exception {
    SessionStore oneSecond = store(policy().withFixedLifetime(Duration.ofSeconds(1)).withMaxSessionsPerUser(0));
    String user = newUser();
    // In batches, so that no script waits behind hundreds of others longer than the command timeout.
    for (int batch = 0; batch < 1_000; batch += 100) {
      List<CompletableFuture<SessionCreated>> creates = new ArrayList<>();
      for (int i = batch; i < batch + 100; i++) {
        creates.add(oneSecond.createAsync(user, "jti-" + i, PHONE).toCompletableFuture());
      }
      CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      assertThat(creates).allSatisfy(create -> assertThat(create.join().evicted()).isEmpty());
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> raw.exists(key(user, "jti-999")) == 0);

    assertThat(store.list(user)).isEmpty();
    assertThat(raw.scard(index(user))).isZero();
  }

  @Test
  void listAndCountDropIndexEntriesWhoseSessionIsGone() {
    String user = newUser();
    store.create(user, "live", PHONE);
    raw.sadd(index(user), "expired-1", "expired-2");

    assertThat(store.count(user)).isEqualTo(1);
    assertThat(raw.smembers(index(user))).containsExactly("live");

    raw.sadd(index(user), "expired-3");
    assertThat(jtis(store.list(user))).containsExactly("live");
    assertThat(raw.smembers(index(user))).containsExactly("live");
  }

  @Test
  void createTouchAndRevokeDropIndexEntriesWhoseSessionIsGone() {
    String user = newUser();
    store.create(user, "keep", PHONE);
    raw.sadd(index(user), "expired-1", "expired-2");

    store.create(user, "new", PHONE);
    assertThat(raw.smembers(index(user))).containsExactlyInAnyOrder("keep", "new");

    raw.sadd(index(user), "expired-3");
    store.touch(user, "keep");
    assertThat(raw.smembers(index(user))).containsExactlyInAnyOrder("keep", "new");

    raw.sadd(index(user), "expired-4");
    store.touch(user, "expired-4");
    assertThat(raw.smembers(index(user))).containsExactlyInAnyOrder("keep", "new");

    raw.sadd(index(user), "expired-5");
    store.revoke(user, "new");
    assertThat(raw.smembers(index(user))).containsExactly("keep");
  }

  @Test
  void touchPutsBackAnIndexEntryThatWasLost() {
    String user = newUser();
    store.create(user, "a", PHONE);
    raw.del(index(user));

    store.touch(user, "a");

    assertThat(raw.smembers(index(user))).containsExactly("a");
    assertThat(raw.pttl(index(user))).isGreaterThanOrEqualTo(raw.pttl(key(user, "a")));
  }

  @Test
  void theIndexExpiresNoEarlierThanItsLongestSession() {
    SessionStore shortLived = store(policy().withTtl(Duration.ofMinutes(1)));
    SessionStore longLived = store(policy().withTtl(Duration.ofHours(1)));
    String user = newUser();
    longLived.create(user, "long", PHONE);
    shortLived.create(user, "short", PHONE);

    assertThat(raw.pttl(index(user))).isGreaterThanOrEqualTo(raw.pttl(key(user, "long")));

    store.revoke(user, "long");
    long indexTtl = raw.pttl(index(user));
    assertThat(indexTtl).as("shrinks to the longest remaining session")
        .isGreaterThanOrEqualTo(raw.pttl(key(user, "short"))).isLessThanOrEqualTo(60_000);

    shortLived.touch(user, "short");
    assertThat(raw.pttl(index(user))).isGreaterThanOrEqualTo(raw.pttl(key(user, "short")));
  }

  @Test
  void withoutIndexExpiryTheIndexNeverGetsATtlAndIsStillPruned() {
    SessionStore persistent = store(policy().withExpireIndex(false));
    String user = newUser();
    persistent.create(user, "a", PHONE);
    persistent.create(user, "b", PHONE);
    persistent.touch(user, "a");
    persistent.list(user);
    assertThat(raw.pttl(index(user))).isEqualTo(-1);

    raw.sadd(index(user), "expired");
    persistent.revoke(user, "a");
    assertThat(raw.smembers(index(user))).containsExactly("b");
    assertThat(raw.pttl(index(user))).isEqualTo(-1);
    persistent.revoke(user, "b");
    assertThat(raw.exists(index(user))).as("an emptied set is gone").isZero();
  }

  @Test
  void revokeEndsOneSessionAtOnce() {
    String user = newUser();
    store.create(user, "a", PHONE);
    store.create(user, "b", LAPTOP);

    assertThat(store.revoke(user, "a")).isTrue();

    assertThat(store.get(user, "a")).isEmpty();
    assertThat(raw.exists(key(user, "a"))).isZero();
    assertThat(raw.smembers(index(user))).containsExactly("b");
    assertThat(store.touch(user, "a")).as("a revoked session cannot be revived").isEmpty();
    assertThat(store.revoke(user, "a")).isFalse();
  }

  @Test
  void revokeAllEndsEverySessionAndRemovesTheIndex() {
    String user = newUser();
    String otherUser = newUser();
    for (String jti : List.of("a", "b", "c")) {
      store.create(user, jti, PHONE);
    }
    store.create(otherUser, "a", PHONE);

    assertThat(store.revokeAll(user)).isEqualTo(3);

    assertThat(store.list(user)).isEmpty();
    assertThat(raw.exists(index(user), key(user, "a"), key(user, "b"), key(user, "c"))).isZero();
    assertThat(store.get(otherUser, "a")).as("another user's session").isPresent();
  }

  @Test
  void revokeAllExceptKeepsOnlyTheGivenSession() {
    String user = newUser();
    for (String jti : List.of("a", "b", "c")) {
      store.create(user, jti, PHONE);
    }

    assertThat(store.revokeAllExcept(user, "b")).isEqualTo(2);

    assertThat(jtis(store.list(user))).containsExactly("b");
    assertThat(raw.smembers(index(user))).containsExactly("b");
    assertThat(raw.pttl(index(user))).isGreaterThanOrEqualTo(raw.pttl(key(user, "b")));
    assertThat(store.revokeAllExcept(user, "unknown")).as("keeping a session that does not exist").isEqualTo(1);
    assertThat(raw.exists(index(user))).isZero();
  }

  @Test
  void atTheLimitCreatingEvictsTheOldestAndReportsIt() {
    SessionStore limited = store(policy().withMaxSessionsPerUser(2));
    String user = newUser();
    limited.create(user, "a", PHONE);
    limited.create(user, "b", PHONE);

    SessionCreated third = limited.create(user, "c", LAPTOP);

    assertThat(third.evicted()).containsExactly("a");
    assertThat(jtis(limited.list(user))).containsExactly("b", "c");
    assertThat(limited.get(user, "a")).isEmpty();
    assertThat(raw.smembers(index(user))).containsExactlyInAnyOrder("b", "c");
  }

  @Test
  void aLoweredLimitEvictsEveryExtraSessionOldestFirst() {
    String user = newUser();
    for (String jti : List.of("a", "b", "c", "d")) {
      store.create(user, jti, PHONE);
    }

    SessionCreated created = store(policy().withMaxSessionsPerUser(2)).create(user, "e", PHONE);

    assertThat(created.evicted()).containsExactly("a", "b", "c");
    assertThat(jtis(store.list(user))).containsExactly("d", "e");
  }

  @Test
  void concurrentLoginsNeverLeaveMoreThanTheLimit() throws Exception {
    int limit = 3;
    int threads = 8;
    int perThread = 10;
    SessionStore limited = store(policy().withMaxSessionsPerUser(limit));
    FeatureCounters.Counter evictions =
        redis.runtime().counters().counter("cloutsy.redis.sessions.revoked", "reason", "evicted");
    long evictionsBefore = evictions.count();
    String user = newUser();
    ConcurrentLinkedQueue<String> evicted = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread worker = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < perThread; i++) {
            evicted.addAll(limited.create(user, "t" + thread + "-" + i, PHONE).evicted());
          }
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        }
      });
      worker.start();
      workers.add(worker);
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join(30_000);
    }

    List<String> survivors = jtis(limited.list(user));
    assertThat(survivors).hasSize(limit);
    assertThat(raw.scard(index(user))).isEqualTo(limit);
    assertThat(evicted).hasSize(threads * perThread - limit).doesNotHaveDuplicates()
        .doesNotContainAnyElementsOf(survivors);
    assertThat(evictions.count() - evictionsBefore).isEqualTo(threads * perThread - limit);
  }

  @Test
  void aValueThatIsNotJsonIsReportedAsCorruptedNamingOnlyItsKey() {
    String user = newUser();
    String key = key(user, "bad");
    raw.set(key, "secret-user-agent {not json", SetArgs.Builder.ex(60));
    raw.sadd(index(user), "bad");

    for (Runnable call : List.<Runnable>of(() -> store.get(user, "bad"), () -> store.touch(user, "bad"),
        () -> store.list(user))) {
      assertThatThrownBy(call::run).isInstanceOf(SessionCorruptedException.class)
          .hasMessageStartingWith("Session value at " + key + " ")
          .hasMessageNotContaining("secret").hasNoCause()
          .satisfies(error -> assertThat(((SessionCorruptedException) error).key()).isEqualTo(key));
    }
    assertThat(raw.get(key)).as("left as it was").isEqualTo("secret-user-agent {not json");
    assertThat(store.count(user)).isEqualTo(1);
    assertThat(store.revoke(user, "bad")).isTrue();
  }

  @Test
  void aValueMissingTheSeedsFieldsOrOfAnotherTypeIsCorrupted() {
    String user = newUser();
    raw.set(key(user, "no-type"), "{\"deviceId\":\"d\",\"userAgent\":\"u\",\"createdAt\":\"" + Instant.now() + "\"}");
    raw.set(key(user, "no-created"), "{\"deviceId\":\"d\",\"userAgent\":\"u\",\"userType\":\"brand\"}");
    raw.hset(key(user, "hash"), "deviceId", "d");

    // Under encryption a plain value is refused before its fields are read.
    assertThatThrownBy(() -> store.get(user, "no-type")).isInstanceOf(SessionCorruptedException.class)
        .hasMessageContaining(encryption == null ? "userType" : "is not encrypted");
    assertThatThrownBy(() -> store.get(user, "no-created")).isInstanceOf(SessionCorruptedException.class)
        .hasMessageContaining(encryption == null ? "createdAt" : "is not encrypted");
    assertThatThrownBy(() -> store.touch(user, "no-created")).isInstanceOf(SessionCorruptedException.class);
    assertThatThrownBy(() -> store.get(user, "hash")).isInstanceOf(SessionCorruptedException.class)
        .hasMessageEndingWith("is not a string");
    assertThatThrownBy(() -> store.touch(user, "hash")).isInstanceOf(SessionCorruptedException.class);
    raw.sadd(index(user), "hash");
    assertThatThrownBy(() -> store.list(user)).isInstanceOf(SessionCorruptedException.class);
  }

  @Test
  void anIndexOfTheWrongTypeIsCorruptedAndHarmsNoOtherUser() {
    String user = newUser();
    String bystander = newUser();
    String kept = store.create(bystander, PHONE).session().jti();
    raw.set(index(user), "not a set");

    assertThatThrownBy(() -> store.create(user, PHONE)).isInstanceOf(SessionCorruptedException.class)
        .extracting(error -> ((SessionCorruptedException) error).key()).isEqualTo(index(user));
    assertThatThrownBy(() -> store.list(user)).isInstanceOf(SessionCorruptedException.class);
    assertThatThrownBy(() -> store.count(user)).isInstanceOf(SessionCorruptedException.class);
    assertThatThrownBy(() -> store.revokeAll(user)).isInstanceOf(SessionCorruptedException.class);
    assertThat(store.get(bystander, kept)).isPresent();
    assertThat(store.list(bystander)).hasSize(1);
  }

  @Test
  void jtisAndUserIdsThatNeedEncodingAreFoundByEveryScript() {
    String user = "user/" + UUID.randomUUID() + " {x}";
    List<String> odd = List.of("a/b+c=", "with space", "\u00e9t\u00e9", "x:y{z}*", "100%");
    for (String jti : odd) {
      store.create(user, jti, PHONE);
    }

    assertThat(jtis(store.list(user))).containsExactlyInAnyOrderElementsOf(odd);
    assertThat(store.count(user)).isEqualTo(5);
    assertThat(store.touch(user, "x:y{z}*")).isPresent();
    assertThat(store.revoke(user, "a/b+c=")).isTrue();
    assertThat(store.revokeAllExcept(user, "\u00e9t\u00e9")).isEqualTo(3);
    assertThat(jtis(store.list(user))).containsExactly("\u00e9t\u00e9");
  }

  @Test
  void countersCountCreationsAndEndedSessionsByReason() {
    FeatureCounters counters = redis.runtime().counters();
    long createdBefore = counters.counter("cloutsy.redis.sessions.created").count();
    long revokeBefore = counters.counter("cloutsy.redis.sessions.revoked", "reason", "revoke").count();
    long othersBefore = counters.counter("cloutsy.redis.sessions.revoked", "reason", "revoke_others").count();
    long allBefore = counters.counter("cloutsy.redis.sessions.revoked", "reason", "revoke_all").count();
    String user = newUser();
    for (String jti : List.of("a", "b", "c", "d")) {
      store.create(user, jti, PHONE);
    }

    store.revoke(user, "a");
    store.revoke(user, "a");
    store.revokeAllExcept(user, "b");
    store.revokeAll(user);

    assertThat(counters.counter("cloutsy.redis.sessions.created").count() - createdBefore).isEqualTo(4);
    assertThat(counters.counter("cloutsy.redis.sessions.revoked", "reason", "revoke").count() - revokeBefore)
        .isEqualTo(1);
    assertThat(counters.counter("cloutsy.redis.sessions.revoked", "reason", "revoke_others").count()
        - othersBefore).isEqualTo(2);
    assertThat(counters.counter("cloutsy.redis.sessions.revoked", "reason", "revoke_all").count() - allBefore)
        .isEqualTo(1);
  }
}
