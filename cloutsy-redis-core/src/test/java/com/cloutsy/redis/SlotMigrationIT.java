package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.config.HostPort;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.EmbeddedRedisCluster;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.session.Device;
import com.cloutsy.redis.session.SessionPolicy;
import com.cloutsy.redis.session.SessionStore;
import com.cloutsy.redis.session.UserType;
import io.lettuce.core.MigrateArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;

/**
 * Issue 18, point 5: slots move while sessions of their users are created, touched and revoked. A slot is migrated
 * the way {@code redis-cli --cluster reshard} does it (SETSLOT IMPORTING and MIGRATING, MIGRATE of the keys in
 * small batches in the order GETKEYSINSLOT gives, SETSLOT NODE on every master), first one user's slot back and
 * forth, then 2,000 slots from one master to another. Callers must see neither MOVED nor ASK, at least 99.9 % of
 * the calls must succeed, every failure must be a {@link RedisUnavailableException} that came within the command
 * timeout, and at the end every session key has its index entry and every index entry its session key. Then a
 * session script meets, one at a time, each split of a user's keys that hides the user's other sessions from it.
 * The sessions run as the ACL user of docs/OPERATIONS.md, and no node's ACL LOG may show a refusal.
 */
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlotMigrationIT {

  private static final Device PHONE = Device.of("iphone-1", "Cloutsy/3.2 (iPhone)", UserType.INFLUENCER);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
  /** What a failed call may take beyond the command timeout: the blocking wait's own slack, and scheduling. */
  private static final Duration FAILURE_MARGIN = Duration.ofMillis(300);
  private static final int WORKERS = 4;
  private static final int MIGRATE_BATCH = 3;
  private static final int RESHARD_SLOTS = 2_000;
  private static final Duration LOAD_LIMIT = Duration.ofSeconds(40);
  private static final String USER = "sessions";
  private static final String PASSWORD = "sessions-Secret-18";

  private final EmbeddedRedisCluster cluster;
  private final RedisService redis;
  private final Keys keys;
  private final SessionStore sessions;
  private final SlotMover mover;

  SlotMigrationIT(EmbeddedRedisCluster cluster) {
    this.cluster = cluster;
    this.mover = new SlotMover(cluster);
    String prefix = TestRedis.freshPrefix();
    mover.addUser(USER, PASSWORD, LeastPrivilege.SESSIONS.rulesOnCluster(prefix));
    EmbeddedRedis seed = cluster.nodes().get(0);
    this.redis = RedisService.start(RedisSettings.builder()
        .clusterNodes(List.of(HostPort.parse(seed.host() + ":" + seed.port(), "REDIS_CLUSTER_NODES")))
        .username(USER).password(PASSWORD)
        .keyPrefix(prefix)
        .commandTimeout(COMMAND_TIMEOUT)
        .build());
    this.keys = redis.keyNames();
    // The highest cap allowed: the load rarely reaches it, and an eviction it causes must keep the index whole too.
    this.sessions = SessionStore.create(redis, SessionPolicy.defaults().withMaxSessionsPerUser(512));
  }

  /** The sessions run as their ACL user: a redirect or a script under migration must need nothing more. */
  @AfterEach
  void nothingWasRefused() {
    assertThat(mover.takeAclLog()).as("ACL LOG of every node").isEmpty();
  }

  @AfterAll
  void close() {
    mover.close();
    redis.close();
  }

  @Test
  @Order(1)
  void oneUsersSlotMigratesBackAndForthWhileItsSessionsAreCreatedTouchedAndRevoked(TestReporter reporter)
      throws Exception {
    String user = "migrant";
    int slot = SlotHash.getSlot(keys.sessionIndex(user));
    Load load = new Load(List.of(user, user, user, "bystander-1", "bystander-2"));
    load.seed(30);
    int rounds = 6;
    int moved = 0;
    load.start();
    try {
      for (int round = 0; round < rounds; round++) {
        EmbeddedRedis from = cluster.masterOf(slot);
        EmbeddedRedis to = anotherMaster(from);
        moved += mover.move(slot, from, to, cluster.masters(), Duration.ofMillis(15));
        LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
      }
    } finally {
      load.stop();
    }
    String summary = load.summary("One user's slot migrated " + rounds + " times (" + moved + " keys moved in"
        + " batches of " + MIGRATE_BATCH + ", 15 ms apart)");
    reportAndCheck(load, reporter, "slot-migration", summary);
  }

  @Test
  @Order(2)
  void resharding2000SlotsUnderLoadLeavesNoPartialSessionState(TestReporter reporter) throws Exception {
    EmbeddedRedis from = cluster.masterOf(0);
    EmbeddedRedis to = anotherMaster(from);
    // Users whose slots are among those that move, and a few whose slots stay, for a load on both.
    List<String> users = new ArrayList<>();
    for (int i = 0; users.size() < 48; i++) {
      String user = "user-" + i;
      int slot = SlotHash.getSlot(keys.sessionIndex(user));
      if (slot < RESHARD_SLOTS ? cluster.masterOf(slot) == from : users.size() % 6 == 0) {
        users.add(user);
      }
    }
    Load load = new Load(users);
    load.seed(5);
    long started = System.nanoTime();
    int moved = 0;
    List<EmbeddedRedis> masters = cluster.masters();
    load.start();
    try {
      for (int slot = 0; slot < RESHARD_SLOTS; slot++) {
        moved += mover.move(slot, from, to, masters, Duration.ZERO);
      }
    } finally {
      load.stop();
    }
    long reshardMillis = (System.nanoTime() - started) / 1_000_000;
    for (int slot : new int[] {0, RESHARD_SLOTS / 2, RESHARD_SLOTS - 1}) {
      assertThat(cluster.masterOf(slot)).as("master of slot %d after the reshard", slot).isEqualTo(to);
    }
    assertThat(cluster.isHealthy()).isTrue();
    String summary = load.summary("Reshard of " + RESHARD_SLOTS + " slots (" + moved + " keys) from one master to"
        + " another in " + reshardMillis + " ms");
    reportAndCheck(load, reporter, "reshard", summary);
  }

  private EmbeddedRedis anotherMaster(EmbeddedRedis from) {
    return cluster.masters().stream().filter(node -> node != from).findFirst().orElseThrow();
  }

  /** Prints and publishes the load's summary, then checks every call's outcome and the sessions' consistency. */
  private static void reportAndCheck(Load load, TestReporter reporter, String entry, String summary) {
    System.out.println(summary);
    reporter.publishEntry(entry, summary);
    load.assertOutcomes();
    load.assertConsistent();
  }

  @Test
  @Order(3)
  void aMigrationThatStallsWithAUsersKeysSplitFailsItsCallsWithinTheCommandTimeout() {
    String user = "stranded";
    int slot = SlotHash.getSlot(keys.sessionIndex(user));
    String jti = sessions.create(user, PHONE).session().jti();
    List<EmbeddedRedis> masters = cluster.masters();
    EmbeddedRedis from = cluster.masterOf(slot);
    EmbeddedRedis to = anotherMaster(from);
    mover.begin(slot, from, to);
    // The index moves, the session stays: every script on both keys answers TRYAGAIN until the migration goes on.
    mover.migrate(from, to, List.of(keys.sessionIndex(user)));

    long started = System.nanoTime();
    assertThatThrownBy(() -> sessions.touch(user, jti)).isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("TRYAGAIN");
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(took).as("a call retried until the command timeout, no longer")
        .isGreaterThanOrEqualTo(COMMAND_TIMEOUT.minus(MigrationRetry.MAX_PAUSE))
        .isLessThanOrEqualTo(COMMAND_TIMEOUT.plus(FAILURE_MARGIN));

    mover.migrate(from, to, List.of(keys.session(user, jti)));
    mover.finish(slot, from, to, masters);
    assertThat(sessions.touch(user, jti)).as("served again once the migration is done").isPresent();
  }

  /**
   * Once the index and the revoked session have moved, revoke runs on the importing node, where a session that has
   * not arrived reads as absent: the script must answer TRYAGAIN rather than prune it from the index.
   */
  @Test
  @Order(4)
  void onTheImportingNodeASessionThatHasNotArrivedStaysInTheIndex() throws Exception {
    Split split = new Split("arriving");
    split.moveFirst(keys.sessionIndex(split.user), keys.session(split.user, split.jtis.get(0)));
    CompletableFuture<Boolean> revoked =
        split.sendTo(split.to, () -> sessions.revoke(split.user, split.jtis.get(0)));
    split.finish();
    assertThat(revoked.get(5, TimeUnit.SECONDS)).as("revoked").isTrue();
    assertThat(TestRedis.sync(redis).smembers(keys.sessionIndex(split.user)))
        .containsExactlyInAnyOrderElementsOf(split.jtis.subList(1, split.jtis.size()));
  }

  /**
   * Revoke-all on the importing node would end the sessions that are there and drop the index, and a session still
   * on the migrating node would arrive afterwards, valid and unlisted: the script must answer TRYAGAIN instead.
   */
  @Test
  @Order(5)
  void revokeAllDuringAMigrationEndsSessionsThatHadNotArrivedToo() throws Exception {
    Split split = new Split("revoked-everywhere");
    split.moveFirst(keys.sessionIndex(split.user));
    CompletableFuture<Long> ended = split.sendTo(split.to, () -> sessions.revokeAll(split.user));
    split.finish();
    assertThat(ended.get(5, TimeUnit.SECONDS)).as("sessions ended").isEqualTo((long) split.jtis.size());
    for (String jti : split.jtis) {
      assertThat(sessions.get(split.user, jti)).as("session %s after revoke-all", jti).isEmpty();
    }
  }

  /**
   * On the migrating node a session that has moved cannot be read: the script must answer TRYAGAIN before it ends
   * the revoked session, so that the call sent again finds it and says it existed.
   */
  @Test
  @Order(6)
  void onTheMigratingNodeASessionThatHasMovedStopsTheScriptBeforeItWrites() throws Exception {
    Split split = new Split("departing");
    split.moveFirst(keys.session(split.user, split.jtis.get(1)));
    CompletableFuture<Boolean> revoked =
        split.sendTo(split.from, () -> sessions.revoke(split.user, split.jtis.get(0)));
    split.finish();
    assertThat(revoked.get(5, TimeUnit.SECONDS)).as("revoked").isTrue();
    assertThat(TestRedis.sync(redis).smembers(keys.sessionIndex(split.user)))
        .containsExactlyInAnyOrderElementsOf(split.jtis.subList(1, split.jtis.size()));
  }

  /**
   * One user with three sessions whose slot is migrating, with some of the keys moved; a call made now is retried by
   * the client until {@link #finish} moves the rest.
   */
  private final class Split {
    final String user;
    final int slot;
    final List<String> jtis = new ArrayList<>();
    final EmbeddedRedis from;
    final EmbeddedRedis to;
    private final Map<EmbeddedRedis, Long> refusalsBefore = new HashMap<>();

    Split(String user) {
      this.user = user;
      this.slot = SlotHash.getSlot(keys.sessionIndex(user));
      for (int i = 0; i < 3; i++) {
        jtis.add(sessions.create(user, PHONE).session().jti());
      }
      this.from = cluster.masterOf(slot);
      this.to = anotherMaster(from);
      refusalsBefore.put(from, mover.errorReplies(from));
      refusalsBefore.put(to, mover.errorReplies(to));
    }

    void moveFirst(String... moved) {
      mover.begin(slot, from, to);
      mover.migrate(from, to, List.of(moved));
    }

    /**
     * Sends {@code call}, and waits until it has an answer or {@code node} has refused a command since this split
     * began, so that the rest of the keys move only once the call has met the split.
     */
    <T> CompletableFuture<T> sendTo(EmbeddedRedis node, Supplier<T> call) {
      CompletableFuture<T> answer = CompletableFuture.supplyAsync(call);
      await().atMost(Duration.ofSeconds(1))
          .until(() -> answer.isDone() || mover.errorReplies(node) > refusalsBefore.get(node));
      return answer;
    }

    void finish() {
      mover.move(slot, from, to, cluster.masters(), Duration.ZERO);
    }
  }

  /**
   * Creates, touches and revokes sessions of the given users from {@link #WORKERS} threads, one call at a time each,
   * and counts every outcome. A user named more than once in the list gets a larger share of the calls.
   */
  private final class Load {
    final List<String> users;
    final Map<String, Set<String>> attempted = new ConcurrentHashMap<>();
    final Map<String, List<String>> live = new ConcurrentHashMap<>();
    final AtomicLong calls = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong redirected = new AtomicLong();
    final AtomicLong untyped = new AtomicLong();
    final AtomicLong slowestFailureNanos = new AtomicLong();
    final AtomicReference<String> firstFailure = new AtomicReference<>("none");
    final AtomicReference<String> firstUntyped = new AtomicReference<>("none");
    final ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
    final List<Future<?>> running = new ArrayList<>();
    volatile boolean stop;

    Load(List<String> users) {
      this.users = users;
      users.forEach(user -> {
        attempted.putIfAbsent(user, ConcurrentHashMap.newKeySet());
        live.putIfAbsent(user, new ArrayList<>());
      });
    }

    void seed(int perUser) {
      for (String user : Set.copyOf(users)) {
        for (int i = 0; i < perUser; i++) {
          String jti = SessionStore.newJti();
          attempted.get(user).add(jti);
          sessions.create(user, jti, PHONE);
          remember(user, jti);
        }
      }
    }

    void start() {
      for (int i = 0; i < WORKERS; i++) {
        running.add(workers.submit(this::run));
      }
    }

    void stop() throws Exception {
      stop = true;
      for (Future<?> worker : running) {
        worker.get(LOAD_LIMIT.toSeconds() + 10, TimeUnit.SECONDS);
      }
      workers.shutdown();
    }

    private void run() {
      long deadline = System.nanoTime() + LOAD_LIMIT.toNanos();
      ThreadLocalRandom random = ThreadLocalRandom.current();
      while (!stop && System.nanoTime() - deadline < 0) {
        String user = users.get(random.nextInt(users.size()));
        int op = random.nextInt(3);
        String jti = op == 0 ? SessionStore.newJti() : pick(user, random);
        if (jti == null) {
          continue;
        }
        calls.incrementAndGet();
        long started = System.nanoTime();
        try {
          if (op == 0) {
            attempted.get(user).add(jti);
            sessions.create(user, jti, PHONE);
            remember(user, jti);
          } else if (op == 1) {
            sessions.touch(user, jti);
          } else {
            sessions.revoke(user, jti);
            forget(user, jti);
          }
        } catch (RuntimeException failure) {
          failed(failure, System.nanoTime() - started);
        }
      }
    }

    private void failed(RuntimeException failure, long nanos) {
      failed.incrementAndGet();
      slowestFailureNanos.accumulateAndGet(nanos, Math::max);
      String text = String.valueOf(failure);
      firstFailure.compareAndSet("none", text);
      if (text.contains("MOVED") || text.contains("ASK ")) {
        redirected.incrementAndGet();
      }
      if (!(failure instanceof RedisUnavailableException)) {
        untyped.incrementAndGet();
        firstUntyped.compareAndSet("none", text);
      }
    }

    private String pick(String user, ThreadLocalRandom random) {
      List<String> jtis = live.get(user);
      synchronized (jtis) {
        return jtis.isEmpty() ? null : jtis.get(random.nextInt(jtis.size()));
      }
    }

    private void remember(String user, String jti) {
      List<String> jtis = live.get(user);
      synchronized (jtis) {
        jtis.add(jti);
      }
    }

    private void forget(String user, String jti) {
      List<String> jtis = live.get(user);
      synchronized (jtis) {
        jtis.remove(jti);
      }
    }

    String summary(String what) {
      long total = calls.get();
      return String.format("%s, under a load of %d callers (SessionStore create/touch/revoke, %d users): %d calls,"
              + " %d failed (%.3f %%), %d with MOVED/ASK, %d not RedisUnavailableException, slowest failure %d ms"
              + " (command timeout %d ms); first failure: %s", what, WORKERS, Set.copyOf(users).size(), total,
          failed.get(), total == 0 ? 0.0 : 100.0 * failed.get() / total, redirected.get(), untyped.get(),
          slowestFailureNanos.get() / 1_000_000, COMMAND_TIMEOUT.toMillis(), firstFailure.get());
    }

    void assertOutcomes() {
      assertThat(calls.get()).as("calls made").isGreaterThan(500);
      assertThat(redirected.get()).as("failures with MOVED or ASK").isZero();
      assertThat(untyped.get()).as("failures not RedisUnavailableException: %s", firstUntyped.get()).isZero();
      assertThat(failed.get()).as("failed calls of %d: %s", calls.get(), firstFailure.get())
          .isLessThanOrEqualTo(calls.get() / 1000);
      assertThat(Duration.ofNanos(slowestFailureNanos.get())).as("slowest failed call")
          .isLessThanOrEqualTo(COMMAND_TIMEOUT.plus(FAILURE_MARGIN));
    }

    /** Every session key has its index entry, and every index entry its session key. */
    void assertConsistent() {
      RedisClusterCommands<String, String> raw = TestRedis.sync(redis);
      int checked = 0;
      for (Map.Entry<String, Set<String>> user : attempted.entrySet()) {
        Set<String> index = raw.smembers(keys.sessionIndex(user.getKey()));
        Map<String, Long> exists = new HashMap<>();
        for (String jti : user.getValue()) {
          exists.put(jti, raw.exists(keys.session(user.getKey(), jti)));
        }
        for (String jti : index) {
          assertThat(exists.getOrDefault(jti, 0L)).as("session key of index entry %s of %s", jti, user.getKey())
              .isEqualTo(1L);
        }
        exists.forEach((jti, count) -> {
          if (count == 1L) {
            assertThat(index).as("index of %s", user.getKey()).contains(jti);
          }
        });
        checked += index.size();
      }
      assertThat(checked).as("index entries checked").isPositive();
    }
  }

  /**
   * Moves slots between masters as {@code redis-cli --cluster reshard} does, over connections of its own to every
   * node. Not thread-safe.
   */
  private static final class SlotMover implements AutoCloseable {
    private final RedisClient client = RedisClient.create();
    private final Map<EmbeddedRedis, StatefulRedisConnection<String, String>> connections = new HashMap<>();
    private static final Pattern ERROR_COUNT = Pattern.compile("errorstat_\\w+:count=(\\d+)");

    private final Map<EmbeddedRedis, String> ids = new HashMap<>();

    SlotMover(EmbeddedRedisCluster cluster) {
      for (EmbeddedRedis node : cluster.nodes()) {
        StatefulRedisConnection<String, String> connection =
            client.connect(RedisURI.create(node.host(), node.port()));
        connections.put(node, connection);
        ids.put(node, connection.sync().clusterMyId());
      }
    }

    /** Moves {@code slot}; returns how many keys it moved. */
    int move(int slot, EmbeddedRedis from, EmbeddedRedis to, List<EmbeddedRedis> masters,
        Duration pauseBetweenBatches) {
      begin(slot, from, to);
      int moved = 0;
      while (true) {
        List<String> batch = commands(from).clusterGetKeysInSlot(slot, MIGRATE_BATCH);
        if (batch.isEmpty()) {
          break;
        }
        migrate(from, to, batch);
        moved += batch.size();
        if (!pauseBetweenBatches.isZero()) {
          LockSupport.parkNanos(pauseBetweenBatches.toNanos());
        }
      }
      finish(slot, from, to, masters);
      return moved;
    }

    /** Marks {@code slot} as migrating from {@code from} and importing into {@code to}. */
    void begin(int slot, EmbeddedRedis from, EmbeddedRedis to) {
      commands(to).clusterSetSlotImporting(slot, ids.get(from));
      commands(from).clusterSetSlotMigrating(slot, ids.get(to));
    }

    /** Moves {@code keys} of a migrating slot. */
    void migrate(EmbeddedRedis from, EmbeddedRedis to, List<String> keys) {
      commands(from).migrate(to.host(), to.port(), 0, 5_000, MigrateArgs.Builder.keys(keys));
    }

    /** Gives {@code slot} to {@code to} on every master. */
    void finish(int slot, EmbeddedRedis from, EmbeddedRedis to, List<EmbeddedRedis> masters) {
      commands(to).clusterSetSlotNode(slot, ids.get(to));
      commands(from).clusterSetSlotNode(slot, ids.get(to));
      for (EmbeddedRedis master : masters) {
        if (master != from && master != to) {
          commands(master).clusterSetSlotNode(slot, ids.get(to));
        }
      }
    }

    /** Creates the ACL user on every node. */
    void addUser(String user, String password, String rules) {
      for (StatefulRedisConnection<String, String> connection : connections.values()) {
        SuiteUsers.setUser(connection.sync(), user, password, rules.split(" "));
      }
    }

    /** Every node's ACL LOG entries, then clears every node's log. */
    List<Map<String, Object>> takeAclLog() {
      List<Map<String, Object>> entries = new ArrayList<>();
      for (StatefulRedisConnection<String, String> connection : connections.values()) {
        entries.addAll(connection.sync().aclLog());
        connection.sync().aclLogReset();
      }
      return entries;
    }

    /** Error replies {@code node} has sent since it started, of every kind (its INFO errorstats). */
    long errorReplies(EmbeddedRedis node) {
      Matcher count = ERROR_COUNT.matcher(commands(node).info("errorstats"));
      long total = 0;
      while (count.find()) {
        total += Long.parseLong(count.group(1));
      }
      return total;
    }

    private RedisCommands<String, String> commands(EmbeddedRedis node) {
      return connections.get(node).sync();
    }

    @Override
    public void close() {
      connections.values().forEach(StatefulRedisConnection::close);
      client.shutdown();
    }
  }
}
