package com.cloutsy.redis.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisMatrix;
import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.keys.KeyLayout;
import com.cloutsy.redis.keys.Keys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestReporter;

/**
 * Diagnostics on a keyspace of 10,000 keys of known shape, under this class's own prefix on the shared server (which
 * holds other tests' keys too, so every walk stays inside the prefix).
 */
@RunsAs(LeastPrivilege.DIAGNOSTICS)
@RedisMatrix(layouts = KeyLayout.CLUSTER, topologies = {Topology.SINGLE, Topology.CLUSTER})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiagnosticsTest {

  private static final int SESSIONS = 5_000;
  private static final int OTP_CODES = 3_000;
  private static final int CACHE_ENTRIES = 1_999;
  private static final int KEYS = SESSIONS + OTP_CODES + CACHE_ENTRIES + 1;

  private RedisService redis;
  private Keys keys;
  private Diagnostics diagnostics;
  private String biggestKey;
  private String biggestString;

  @RedisMatrix.BeforeInvocation
  void start(RedisEndpoint endpoint, KeyLayout layout) {
    redis = TestRedis.start(endpoint, layout);
    keys = redis.keyNames();
    diagnostics = Diagnostics.create(redis, DiagnosticsPolicy.defaults().withTimeLimit(Duration.ofSeconds(60)));
    biggestKey = keys.cache("reports", "yearly");
    biggestString = keys.session("user-77", "jti-77");
    populate();
  }

  /** 10,000 keys in one pipeline: sessions (strings), OTP codes (hashes), cache entries (strings and lists). */
  private void populate() {
    List<CompletionStage<?>> writes = new ArrayList<>();
    RedisService admin = TestRedis.admin(redis);
    var commands = admin.runtime().commands();
    for (int i = 0; i < SESSIONS; i++) {
      String key = keys.session("user-" + i, "jti-" + i);
      writes.add(commands.set(key, key.equals(biggestString) ? "s".repeat(20_000) : "{\"deviceId\":\"d" + i + "\"}"));
    }
    for (int i = 0; i < OTP_CODES; i++) {
      writes.add(commands.hset(keys.otpCode("+1555" + i), "hmac", "h".repeat(64)));
    }
    for (int i = 0; i < CACHE_ENTRIES; i++) {
      String key = keys.cache("users", String.valueOf(i));
      writes.add(i % 2 == 0 ? commands.set(key, "c".repeat(100)) : commands.rpush(key, "a", "b", "c"));
    }
    String[] fields = new String[2_000];
    for (int i = 0; i < fields.length; i++) {
      fields[i] = "row-" + i + "-" + "x".repeat(50);
    }
    writes.add(commands.sadd(biggestKey, fields));
    writes.forEach(write -> admin.runtime().await(write));
    assertThat(diagnostics.scan(keys.prefix() + "*").count()).isGreaterThanOrEqualTo(KEYS);
  }

  @RedisMatrix.AfterInvocation
  void cleanUp() {
    List<String> ours = diagnostics.scan(keys.prefix() + "*").collect(Collectors.toList());
    RedisService admin = TestRedis.admin(redis);
    for (int from = 0; from < ours.size(); from += 1_000) {
      String[] batch = ours.subList(from, Math.min(ours.size(), from + 1_000)).toArray(String[]::new);
      admin.runtime().await(admin.runtime().commands().unlink(batch));
    }
    redis.close();
  }

  @Test
  void bigKeysOverTenThousandKeysFinishesAndFindsTheBiggestKeyOfEachType(TestReporter reporter) {
    BigKeys big = diagnostics.bigKeys(20_000);

    reporter.publishEntry("bigKeys over " + big.keysSampled() + " keys took", big.took().toMillis() + " ms");
    assertThat(big.end()).isEqualTo(ScanEnd.FINISHED);
    assertThat(big.keysSampled()).isEqualTo(KEYS);
    assertThat(big.biggest()).hasValueSatisfying(key -> {
      assertThat(key.key()).isEqualTo(biggestKey);
      assertThat(key.type()).isEqualTo("set");
      assertThat(key.bytes()).isGreaterThan(100_000);
    });
    assertThat(big.type("string")).hasValueSatisfying(strings -> {
      assertThat(strings.biggest().key()).isEqualTo(biggestString);
      assertThat(strings.keys()).isEqualTo(SESSIONS + CACHE_ENTRIES / 2 + 1);
    });
    assertThat(big.type("hash")).hasValueSatisfying(hashes -> assertThat(hashes.keys()).isEqualTo(OTP_CODES));
    assertThat(big.type("list")).hasValueSatisfying(lists -> assertThat(lists.keys()).isEqualTo(CACHE_ENTRIES / 2));
    assertThat(big.types()).extracting(BigKeys.TypeUsage::type).containsExactlyInAnyOrder("string", "hash", "list",
        "set");
    assertThat(big.took()).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void theWalksStopAtTheSampleLimitAndTheTimeLimitAndSaySo() {
    BigKeys sampled = diagnostics.bigKeys(1_000);
    BigKeys hurried = Diagnostics.create(redis, DiagnosticsPolicy.defaults().withTimeLimit(Duration.ofNanos(1)))
        .bigKeys(20_000);

    assertThat(sampled.end()).isEqualTo(ScanEnd.SAMPLE_LIMIT);
    assertThat(sampled.keysSampled()).isEqualTo(1_000);
    assertThat(hurried.end()).isEqualTo(ScanEnd.TIME_LIMIT);
    assertThat(hurried.keysSampled()).as("one SCAN step").isLessThanOrEqualTo(1_000);
  }

  @Test
  void theKeyspaceSummaryCountsKeysAndMemoryPerNamespace(TestReporter reporter) {
    KeyspaceSummary summary = diagnostics.keyspaceSummary(20_000);

    reporter.publishEntry("keyspaceSummary over " + summary.keysSampled() + " keys took",
        summary.took().toMillis() + " ms");
    assertThat(summary.end()).isEqualTo(ScanEnd.FINISHED);
    assertThat(summary.keysSampled()).isEqualTo(KEYS);
    assertThat(summary.databaseSize()).isGreaterThanOrEqualTo(KEYS);
    assertThat(summary.namespaces()).extracting(KeyspaceSummary.Namespace::namespace)
        .containsExactlyInAnyOrder("session", "otp", "cache");
    assertThat(summary.namespace("session")).hasValueSatisfying(n -> assertThat(n.keys()).isEqualTo(SESSIONS));
    assertThat(summary.namespace("otp")).hasValueSatisfying(n -> assertThat(n.keys()).isEqualTo(OTP_CODES));
    assertThat(summary.namespace("cache")).hasValueSatisfying(n -> {
      assertThat(n.keys()).isEqualTo(CACHE_ENTRIES + 1);
      assertThat(n.bytes()).isGreaterThan(100_000);
    });
    assertThat(summary.namespaces().get(0).bytes()).isGreaterThanOrEqualTo(summary.namespaces().get(1).bytes());
  }

  @Test
  void scanIsLazyAndReturnsEveryMatchingKey() {
    long scansBefore = scanCalls();
    List<String> first = diagnostics.scan(keys.prefix() + "session:*").limit(10).toList();
    long scansForTen = scanCalls() - scansBefore;

    Set<String> sessions = diagnostics.scan(keys.prefix() + "session:*").collect(Collectors.toCollection(HashSet::new));

    assertThat(first).hasSize(10).allMatch(key -> key.startsWith(keys.prefix() + "session:{"));
    assertThat(scansForTen).as("ten keys need a few SCAN steps, not the whole keyspace").isLessThanOrEqualTo(5);
    assertThat(sessions).hasSize(SESSIONS).contains(biggestString);
    assertThat(diagnostics.scan(keys.prefix() + "no-such-namespace:*")).isEmpty();
  }

  @Test
  void ttlAndMemoryUsageDescribeOneKey() {
    String expiring = keys.config("expiring");
    TestRedis.admin(redis).set(expiring, "v", Duration.ofMinutes(5));

    assertThat(diagnostics.ttl(keys.config("missing"))).isEqualTo(new KeyTtl.NoKey());
    assertThat(diagnostics.ttl(biggestString)).isEqualTo(new KeyTtl.NoExpiry());
    assertThat(diagnostics.ttl(expiring)).isInstanceOfSatisfying(KeyTtl.ExpiresIn.class,
        ttl -> assertThat(ttl.remaining()).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(5)));
    assertThat(diagnostics.memoryUsage(keys.config("missing"))).isEmpty();
    assertThat(diagnostics.memoryUsage(biggestString).orElseThrow()).isBetween(20_000L, 40_000L);
    TestRedis.admin(redis).del(expiring);
  }

  @Test
  void memoryStatsParseInfoMemory() {
    MemoryStats memory = diagnostics.memoryStats();

    assertThat(memory.usedMemory()).isPositive();
    assertThat(memory.peakMemory()).isGreaterThanOrEqualTo(memory.usedMemory() / 2);
    assertThat(memory.usedMemoryRss()).isPositive();
    assertThat(memory.maxMemoryPolicy()).isNotBlank();
    assertThat(memory.fields()).containsKeys("used_memory_human", "mem_allocator");
    assertThat(memory.fragmentationRatio()).isPositive();
  }

  @Test
  void theSlowlogListsSlowCommandsNewestFirst(EmbeddedRedis server) {
    RedisSettings settings = RedisSettings.builder().host(server.host()).port(server.port()).build();
    try (RedisService own = RedisService.start(settings)) {
      own.connection().sync().configSet("slowlog-log-slower-than", "0");
      own.set("slow:one", "1");
      own.get("slow:one");

      List<SlowlogEntry> entries = Diagnostics.create(own).slowlog(3);

      assertThat(entries).hasSize(3);
      // SLOWLOG GET is logged only once it has run, so the newest entry is the GET.
      assertThat(entries.get(0).command()).containsExactly("GET", "slow:one");
      assertThat(entries.get(1).command()).containsExactly("SET", "slow:one", "1");
      assertThat(entries.get(2).command()).startsWith("CONFIG", "SET");
      assertThat(entries.get(0).id()).isGreaterThan(entries.get(1).id());
      assertThat(entries.get(0).duration()).isGreaterThanOrEqualTo(Duration.ZERO);
      assertThat(entries.get(0).clientAddress()).startsWith("127.0.0.1:");
      assertThat(entries.get(0).clientName()).isEqualTo("cloutsy-redis");
      assertThat(entries.get(0).startedAt()).isBetween(java.time.Instant.now().minusSeconds(60),
          java.time.Instant.now().plusSeconds(60));
    }
  }

  @Test
  void namespacesAreTheFirstSegmentAfterThePrefix() {
    assertThat(Diagnostics.namespaceOf("t-1:session:{42}:abc", "t-1:")).isEqualTo("session");
    assertThat(Diagnostics.namespaceOf("sessions:42", "")).isEqualTo("sessions");
    assertThat(Diagnostics.namespaceOf("t-1:counter", "t-1:")).isEqualTo(KeyspaceSummary.NO_NAMESPACE);
    assertThat(Diagnostics.namespaceOf("t-1::x", "t-1:")).isEqualTo(KeyspaceSummary.NO_NAMESPACE);
  }

  @Test
  void misuseIsRefusedNamingTheArgument() {
    assertThatIllegalArgumentException().isThrownBy(() -> diagnostics.bigKeys(0))
        .withMessage("sampleLimit must be 1-10000000, was 0");
    assertThatIllegalArgumentException().isThrownBy(() -> diagnostics.scan(""))
        .withMessage("pattern must not be empty");
    assertThatIllegalArgumentException().isThrownBy(() -> diagnostics.slowlog(0))
        .withMessage("entries must be 1-10000, was 0");
    assertThatIllegalArgumentException().isThrownBy(() -> DiagnosticsPolicy.defaults().withScanCount(0))
        .withMessage("scanCount must be 1-100000, was 0");
    assertThatIllegalArgumentException().isThrownBy(() -> DiagnosticsPolicy.defaults().withTimeLimit(Duration.ZERO))
        .withMessage("timeLimit must be > 0, was PT0S");
    assertThat(diagnostics.memoryUsage(keys.config("missing"))).isEqualTo(OptionalLong.empty());
  }

  private long scanCalls() {
    String stats = redis.runtime().await(redis.runtime().commands().info("commandstats"));
    return java.util.Arrays.stream(stats.split("\r?\n")).filter(line -> line.startsWith("cmdstat_scan:"))
        .map(line -> line.replaceAll(".*calls=(\\d+).*", "$1")).mapToLong(Long::parseLong).findFirst().orElse(0);
  }
}
