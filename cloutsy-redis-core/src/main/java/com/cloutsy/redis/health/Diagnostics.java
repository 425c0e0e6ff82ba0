package com.cloutsy.redis.health;

import com.cloutsy.redis.RedisService;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * The seed's debug commands, safe for a busy production server: key listing by SCAN (never {@code KEYS}, which blocks
 * the server for the whole keyspace), TTL, memory per key, the biggest keys per type, memory per key namespace, the
 * slow log and the memory section of INFO.
 *
 * <pre>{@code
 * Diagnostics diagnostics = Diagnostics.create(redis);
 * diagnostics.scan(redis.runtime().keyNames().prefix() + "session:42:*").limit(100).forEach(System.out::println);
 * BigKeys big = diagnostics.bigKeys(50_000);
 * }</pre>
 *
 * <p>Bounds: every server call is short (one SCAN of about {@link DiagnosticsPolicy#scanCount()} keys, or one
 * pipelined batch of as many {@code TYPE}/{@code MEMORY USAGE} calls, each O(1) or O(5 samples)), so other clients'
 * commands run in between; every call is bounded by the command timeout. The walks ({@link #bigKeys},
 * {@link #keyspaceSummary}) also stop at a sample limit and at {@link DiagnosticsPolicy#timeLimit()}, and say which
 * bound ended them. Key names are full names as Redis stores them, prefix included. Thread-safe; failures throw
 * {@code RedisUnavailableException}.
 *
 * <p>Redis Cluster: {@link #scan}, {@link #bigKeys} and {@link #keyspaceSummary} walk every master, one after the
 * other (Lettuce's cluster SCAN carries the node in its cursor), and the database size is the sum over the masters;
 * TTL and memory usage go to the key's master. {@link #slowlog} and {@link #memoryStats} describe the one node the
 * cluster connection's default route reaches; for every node use the cluster connection's
 * {@code async().upstream()} selection.
 */
public final class Diagnostics {

  /** The most keys one walk may be asked to sample. */
  public static final int MAX_SAMPLE_LIMIT = 10_000_000;
  /** The most slow-log entries one call may ask for. */
  public static final int MAX_SLOWLOG_ENTRIES = 10_000;

  private final RedisService redis;
  private final DiagnosticsPolicy policy;

  private Diagnostics(RedisService redis, DiagnosticsPolicy policy) {
    this.redis = redis;
    this.policy = policy;
  }

  /** Diagnostics of a started service with {@link DiagnosticsPolicy#defaults()}. */
  public static Diagnostics create(RedisService redis) {
    return create(redis, DiagnosticsPolicy.defaults());
  }

  /** Diagnostics of a started service with the given bounds. */
  public static Diagnostics create(RedisService redis, DiagnosticsPolicy policy) {
    Objects.requireNonNull(redis, "redis must not be null");
    Objects.requireNonNull(policy, "policy must not be null");
    return new Diagnostics(redis, policy);
  }

  /**
   * The keys matching the glob {@code pattern} (a full key pattern, prefix included, as {@code KEYS} takes it),
   * fetched lazily: each time the stream needs more, one {@code SCAN cursor MATCH pattern COUNT n} round trip.
   *
   * <p>Bound: each round trip makes the server look at about {@link DiagnosticsPolicy#scanCount()} keys, whatever
   * matches; consuming the whole stream costs O(keys in the database) in such steps, so stop early with
   * {@code limit()} or {@code findFirst()} (a rare pattern may need many steps between two matches). As SCAN
   * promises: every key that exists for the whole walk is returned, a key may be returned twice, and keys added or
   * removed meanwhile may or may not appear. Each step blocks within the command timeout.
   */
  public Stream<String> scan(String pattern) {
    checkPattern(pattern);
    Iterator<String> keys = new ScanIterator(redis.runtime().commands(), pattern, policy.scanCount());
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(keys, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  /** Asynchronous {@link #ttl}. */
  public CompletionStage<KeyTtl> ttlAsync(String key) {
    checkKey(key);
    return redis.runtime().read(commands -> commands.pttl(key)).thenApply(KeyTtl::fromPttl);
  }

  /** The key's time to live ({@code PTTL}): none, no expiry, or the time left. One O(1) round trip. */
  public KeyTtl ttl(String key) {
    return redis.runtime().await(ttlAsync(key));
  }

  /** Asynchronous {@link #memoryUsage}. */
  public CompletionStage<OptionalLong> memoryUsageAsync(String key) {
    checkKey(key);
    return redis.runtime().read(commands -> commands.memoryUsage(key))
        .thenApply(bytes -> bytes == null ? OptionalLong.empty() : OptionalLong.of(bytes));
  }

  /**
   * The bytes the key and its value take ({@code MEMORY USAGE}), empty if there is no such key. One round trip; for
   * hashes, lists, sets and sorted sets the server samples 5 elements, so the cost does not grow with the key.
   */
  public OptionalLong memoryUsage(String key) {
    return redis.runtime().await(memoryUsageAsync(key));
  }

  /**
   * The biggest key per type among this service's keys (those under its key prefix, all keys without a prefix), the
   * seed's {@code redis-cli --bigkeys}, by {@code MEMORY USAGE}.
   *
   * <p>Bounds: at most {@code sampleLimit} keys and about {@link DiagnosticsPolicy#timeLimit()}; each step is one
   * SCAN and one pipelined batch of {@code TYPE} and {@code MEMORY USAGE} for its keys. The result says whether the
   * whole keyspace was seen.
   *
   * @param sampleLimit the most keys to measure, 1 to {@value #MAX_SAMPLE_LIMIT}
   */
  public BigKeys bigKeys(int sampleLimit) {
    return bigKeys(redis.runtime().keyNames().prefix() + "*", sampleLimit);
  }

  /** {@link #bigKeys(int)} over the keys matching {@code pattern}, a full key pattern. */
  public BigKeys bigKeys(String pattern, int sampleLimit) {
    checkPattern(pattern);
    checkSampleLimit(sampleLimit);
    Map<String, long[]> totals = new HashMap<>();
    Map<String, BigKeys.BigKey> biggest = new HashMap<>();
    Walk walk = walk(pattern, sampleLimit, true, (key, type, bytes) -> {
      long[] total = totals.computeIfAbsent(type, t -> new long[2]);
      total[0]++;
      total[1] += bytes;
      BigKeys.BigKey top = biggest.get(type);
      if (top == null || bytes > top.bytes()) {
        biggest.put(type, new BigKeys.BigKey(key, type, bytes));
      }
    });
    List<BigKeys.TypeUsage> types = totals.entrySet().stream()
        .map(entry -> new BigKeys.TypeUsage(entry.getKey(), entry.getValue()[0], entry.getValue()[1],
            Objects.requireNonNull(biggest.get(entry.getKey()), "every type counted has a biggest key")))
        .sorted(Comparator.comparingLong(BigKeys.TypeUsage::bytes).reversed())
        .toList();
    return new BigKeys(types, walk.sampled(), walk.end(), walk.took());
  }

  /** {@link #keyspaceSummary(int)} with the policy's {@link DiagnosticsPolicy#sampleLimit()}. */
  public KeyspaceSummary keyspaceSummary() {
    return keyspaceSummary(policy.sampleLimit());
  }

  /**
   * Key count and memory per namespace among this service's keys: the first segment after the key prefix
   * ({@code session}, {@code otp}, {@code cache}, ...), so an on-call engineer sees what fills the server.
   *
   * <p>Bounds: at most {@code sampleLimit} keys and about {@link DiagnosticsPolicy#timeLimit()}; each step is one
   * SCAN and one pipelined batch of {@code MEMORY USAGE} for its keys, plus one {@code DBSIZE}. At most
   * {@value KeyspaceSummary#MAX_NAMESPACES} namespaces are kept apart.
   *
   * @param sampleLimit the most keys to measure, 1 to {@value #MAX_SAMPLE_LIMIT}
   */
  public KeyspaceSummary keyspaceSummary(int sampleLimit) {
    checkSampleLimit(sampleLimit);
    String prefix = redis.runtime().keyNames().prefix();
    Map<String, long[]> namespaces = new HashMap<>();
    Walk walk = walk(prefix + "*", sampleLimit, false, (key, type, bytes) -> {
      String namespace = namespaceOf(key, prefix);
      if (!namespaces.containsKey(namespace) && namespaces.size() >= KeyspaceSummary.MAX_NAMESPACES) {
        namespace = KeyspaceSummary.OTHER_NAMESPACES;
      }
      long[] total = namespaces.computeIfAbsent(namespace, n -> new long[2]);
      total[0]++;
      total[1] += bytes;
    });
    long databaseSize = redis.runtime().await(redis.runtime().read(commands -> commands.dbsize()));
    List<KeyspaceSummary.Namespace> usage = namespaces.entrySet().stream()
        .map(entry -> new KeyspaceSummary.Namespace(entry.getKey(), entry.getValue()[0], entry.getValue()[1]))
        .sorted(Comparator.comparingLong(KeyspaceSummary.Namespace::bytes).reversed())
        .toList();
    return new KeyspaceSummary(usage, walk.sampled(), databaseSize, walk.end(), walk.took());
  }

  /** Asynchronous {@link #slowlog}. */
  public CompletionStage<List<SlowlogEntry>> slowlogAsync(int entries) {
    if (entries < 1 || entries > MAX_SLOWLOG_ENTRIES) {
      throw new IllegalArgumentException("entries must be 1-" + MAX_SLOWLOG_ENTRIES + ", was " + entries);
    }
    return redis.runtime().read(commands -> commands.slowlogGet(entries)).thenApply(reply -> reply.stream()
        .filter(List.class::isInstance)
        .map(entry -> SlowlogEntry.fromReply((List<?>) entry))
        .toList());
  }

  /**
   * The newest {@code entries} of the server's slow log, newest first: commands that ran longer than
   * {@code slowlog-log-slower-than} (10 ms by default). One round trip, O(entries); the server keeps only
   * {@code slowlog-max-len} entries (128 by default). Entries may hold personal data, see {@link SlowlogEntry}.
   */
  public List<SlowlogEntry> slowlog(int entries) {
    return redis.runtime().await(slowlogAsync(entries));
  }

  /** Asynchronous {@link #memoryStats}. */
  public CompletionStage<MemoryStats> memoryStatsAsync() {
    return redis.runtime().read(commands -> commands.info("memory"))
        .thenApply(info -> MemoryStats.from(InfoFields.parse(info)));
  }

  /** The server's memory ({@code INFO memory}, the seed's {@code redis-cli info memory}). One O(1) round trip. */
  public MemoryStats memoryStats() {
    return redis.runtime().await(memoryStatsAsync());
  }

  @Override
  public String toString() {
    return "Diagnostics[" + redis.settings().describeEndpoint() + ", " + policy + "]";
  }

  static void checkSampleLimit(int sampleLimit) {
    if (sampleLimit < 1 || sampleLimit > MAX_SAMPLE_LIMIT) {
      throw new IllegalArgumentException("sampleLimit must be 1-" + MAX_SAMPLE_LIMIT + ", was " + sampleLimit);
    }
  }

  static String namespaceOf(String key, String prefix) {
    String rest = key.startsWith(prefix) ? key.substring(prefix.length()) : key;
    int colon = rest.indexOf(':');
    return colon > 0 ? rest.substring(0, colon) : KeyspaceSummary.NO_NAMESPACE;
  }

  /** What a walk calls for each measured key; {@code type} is empty when types were not asked for. */
  @FunctionalInterface
  private interface Measured {
    void accept(String key, String type, long bytes);
  }

  private record Walk(long sampled, ScanEnd end, Duration took) {}

  /** SCAN in steps; after each, TYPE (if asked) and MEMORY USAGE for its keys in one pipelined batch. */
  private Walk walk(String pattern, int sampleLimit, boolean withTypes, Measured measured) {
    long started = System.nanoTime();
    long deadline = started + policy.timeLimit().toNanos();
    RedisClusterAsyncCommands<String, String> commands = redis.runtime().commands();
    ScanArgs args = ScanArgs.Builder.matches(pattern).limit(policy.scanCount());
    ScanCursor cursor = ScanCursor.INITIAL;
    long sampled = 0;
    ScanEnd end;
    while (true) {
      KeyScanCursor<String> step = redis.runtime().await(redis.runtime().mapFailures(commands.scan(cursor, args)));
      List<String> keys = step.getKeys();
      List<String> batch = keys.size() > sampleLimit - sampled ? keys.subList(0, (int) (sampleLimit - sampled)) : keys;
      List<CompletableFuture<@Nullable String>> types = new ArrayList<>(batch.size());
      List<CompletableFuture<@Nullable Long>> sizes = new ArrayList<>(batch.size());
      for (String key : batch) {
        types.add(withTypes ? commands.type(key).toCompletableFuture() : CompletableFuture.completedFuture(""));
        sizes.add(commands.memoryUsage(key).toCompletableFuture());
      }
      redis.runtime().await(redis.runtime().mapFailures(CompletableFuture.allOf(sizes.toArray(CompletableFuture[]::new))
          .thenCompose(done -> CompletableFuture.allOf(types.toArray(CompletableFuture[]::new)))));
      for (int i = 0; i < batch.size(); i++) {
        Long bytes = sizes.get(i).join();
        String type = types.get(i).join();
        // A key that expired or was deleted between SCAN and MEMORY USAGE is no longer there to measure.
        if (bytes != null && type != null && !"none".equals(type)) {
          measured.accept(batch.get(i), type, bytes);
        }
      }
      sampled += batch.size();
      if (step.isFinished() && batch.size() == keys.size()) {
        end = ScanEnd.FINISHED;
        break;
      }
      if (sampled >= sampleLimit) {
        end = ScanEnd.SAMPLE_LIMIT;
        break;
      }
      if (System.nanoTime() - deadline >= 0) {
        end = ScanEnd.TIME_LIMIT;
        break;
      }
      cursor = step;
    }
    return new Walk(sampled, end, Duration.ofNanos(System.nanoTime() - started));
  }

  private static void checkPattern(String pattern) {
    Objects.requireNonNull(pattern, "pattern must not be null");
    if (pattern.isEmpty()) {
      throw new IllegalArgumentException("pattern must not be empty");
    }
  }

  private static void checkKey(String key) {
    Objects.requireNonNull(key, "key must not be null");
  }

  /** SCAN as an iterator: one round trip whenever the keys of the previous step are used up. */
  private final class ScanIterator implements Iterator<String> {

    private final RedisClusterAsyncCommands<String, String> commands;
    private final ScanArgs args;
    private final ArrayDeque<String> buffered = new ArrayDeque<>();
    private @Nullable ScanCursor cursor = ScanCursor.INITIAL;

    ScanIterator(RedisClusterAsyncCommands<String, String> commands, String pattern, int count) {
      this.commands = commands;
      this.args = ScanArgs.Builder.matches(pattern).limit(count);
    }

    @Override
    public boolean hasNext() {
      // A step may match nothing; keep stepping until a key arrives or the cursor is back at the start.
      while (buffered.isEmpty() && cursor != null) {
        KeyScanCursor<String> step = redis.runtime().await(redis.runtime().mapFailures(commands.scan(cursor, args)));
        buffered.addAll(step.getKeys());
        cursor = step.isFinished() ? null : step;
      }
      return !buffered.isEmpty();
    }

    @Override
    public String next() {
      if (!hasNext()) {
        throw new NoSuchElementException("SCAN is finished");
      }
      return buffered.removeFirst();
    }
  }
}
