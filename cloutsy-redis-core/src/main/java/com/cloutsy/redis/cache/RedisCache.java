package com.cloutsy.redis.cache;

import com.cloutsy.redis.FeatureCounters;
import com.cloutsy.redis.RedisRuntime;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.ServerError;
import com.cloutsy.redis.ValueTooLargeException;
import com.cloutsy.redis.config.RedisSettings;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;

/*
 * Design notes.
 *
 * Stampedes. Two mechanisms, one per scope.
 * - In one JVM, single flight: concurrent getOrLoad calls for one key (and type) share one lookup and, on a miss,
 *   one loader call; the others wait for it and get its value. The flight covers the GET too, not only the load, so
 *   a caller that arrives just after the loader finished finds the stored value instead of loading again: the flight
 *   ends only after the SET was acknowledged. 100 concurrent callers on a cold key run the loader once.
 * - Across instances, probabilistic early expiration (XFetch; Vattani, Chierichetti, Lowenstein, "Optimal
 *   Probabilistic Cache Stampede Prevention", VLDB 2015). Each entry stores how long its loader took (delta) and when
 *   it expires. A read that finds it refreshes it early when now - delta * beta * ln(U) >= expiry, U uniform in
 *   (0, 1]: far from expiry almost never, within a few deltas of it more and more likely. The first reader of any
 *   instance that draws a refresh reloads the value and writes it with a new TTL, and every other reader, here or
 *   elsewhere, keeps getting the current value, which is still valid, and then the new one. A key read often enough
 *   is thus replaced before it expires and never misses; a key read rarely just expires and is loaded on the next
 *   read (single flight still applies).
 *   Chosen over a short lock whose holder reloads while the others serve the stale value: XFetch needs no lock key,
 *   no extra round trip on a hit, nothing to release or time out when an instance dies mid-reload, works unchanged on
 *   Redis Cluster (no second key in another slot), and never serves a value past its TTL, where the lock scheme must
 *   keep values beyond their TTL to have something stale to serve. The price: it is probabilistic, so under heavy
 *   load two instances may occasionally both refresh (each only once per JVM, through a per-key refresh slot), and
 *   a loader that takes microseconds is refreshed only microseconds before expiry, which is harmless because such a
 *   loader cannot cause a damaging stampede. Expiry uses the writer's clock; clock skew between instances only moves
 *   the refresh a little earlier or later, as Redis still expires the key by its own TTL.
 *
 * Values. Stored as Envelope bytes (format byte, XFetch metadata, codec bytes, compressed above a threshold) on a
 * connection of this cache with a String/byte[] codec, so compressed bytes travel unchanged. Writes and, without a
 * near cache, reads use it; with a near cache, reads go through the near cache's tracking connection instead. On
 * Redis Cluster it is a cluster connection: commands are routed by slot, SCAN walks every master one after another
 * (Lettuce's cluster SCAN) and a multi-key UNLINK is split by slot.
 *
 * No near cache on Redis Cluster. Client tracking is per connection and per node: a near cache there needs a
 * tracking connection to every master, each armed and re-armed on its own, and must drop what a node told it
 * whenever that node's slots move (failover, resharding), including after a manual failover that leaves the old
 * master connected as a replica. Nothing short of that is correct, and a near cache that misses one node's
 * invalidations serves stale values without any sign; so a near cache on a cluster is refused at construction,
 * and the way to have one is a cache server of its own (REDIS_CACHE_URL), where tracking is exact.
 *
 * Threads. Blocking forms do their work on the caller's thread: decoding, the loader, encoding. Asynchronous forms
 * call the loader, encode and decode large or compressed entries on the cache's executor, never on a Lettuce I/O
 * thread, which a slow decode or a blocking loader would stall for every Redis user of the process. An entry of at
 * most INLINE_DECODE_BYTES is decoded where its read completed: a hand-off would cost more than the decode (on a
 * 2-core machine the common pool has one thread, and an async hit waited milliseconds for it).
 */
/**
 * Cache-aside on Redis: {@link #getOrLoad} returns the cached value or calls the loader, stores its result and
 * returns it, in one call. Built for caching database queries behind a busy API.
 *
 * <pre>{@code
 * RedisCache users = RedisCache.create(redis, "users", CachePolicy.of(Duration.ofMinutes(10)));
 * User user = users.getOrLoad(runtime.keyNames().cache("users", id), Duration.ofMinutes(5), User.class,
 *     () -> repository.findById(id).orElse(null));
 * }</pre>
 *
 * <ul>
 *   <li><b>Round trips.</b> A hit is one GET; with a near cache, a near-cache hit is none. A miss is a GET, the
 *       loader, and a SET with the TTL.
 *   <li><b>Failure policy: degrade.</b> When Redis fails or times out, {@code getOrLoad} calls the loader and returns
 *       its value, and {@code get} reports a {@link CacheLookup.Miss}; each such call is counted
 *       ({@code cloutsy.redis.cache.degraded}) and logged at most once every 10 seconds. Writes ({@code put},
 *       {@code invalidate}, {@code invalidatePrefix}) throw {@link RedisUnavailableException} instead: a write that
 *       silently failed would leave a stale value behind. Exceptions of the loader reach the caller unchanged, and
 *       so do error replies that mean a bug rather than an outage (a key that holds a hash, say).
 *   <li><b>"Not found".</b> A loader that returns null reports "not found"; that is cached for the policy's
 *       {@link CachePolicy#negativeTtl() negative TTL}, so repeated requests for a missing id do not reach the
 *       database. An empty string or an empty list is a value like any other.
 *   <li><b>Stampedes.</b> Concurrent misses for one key in one process share one loader call. Across processes, a
 *       key that is still being read is reloaded shortly before it expires by one early caller (probabilistic early
 *       expiration), so a hot key does not vanish under load; that caller gets the new value, the others the
 *       current one, which is still within its TTL.
 *   <li><b>TTL jitter.</b> Up to {@link CachePolicy#ttlJitterPercent()} of each TTL is taken off at random, never
 *       added, so keys written together do not expire together.
 *   <li><b>Corrupt entries</b> (bytes that are not an entry, or not a value of the requested type) count as a miss:
 *       the entry is deleted, {@code cloutsy.redis.cache.corrupt} counts it, and nothing is thrown.
 *   <li><b>Near cache</b> (optional, {@link CachePolicy#withNearCache}): values are also kept in process memory, in a
 *       bounded Caffeine cache, and removed the moment any client changes the key in Redis (RESP3 client tracking on
 *       a dedicated connection). While that connection is down nothing is served from memory, and everything kept is
 *       dropped on disconnect. Near-cache hits return one instance to every caller: cache immutable values (records,
 *       {@code List.copyOf}). <b>Not on Redis Cluster</b>: there client tracking would be needed per node and per
 *       connection, and a near cache that missed one node's invalidations would serve stale values, so
 *       {@link #create} refuses it; keep the near cache by running the cache on a server of its own
 *       ({@code REDIS_CACHE_URL} and {@link #start(RedisSettings, String, CachePolicy)}), or use the cache without
 *       one.
 *   <li><b>Own server.</b> {@link #start(RedisSettings, String, CachePolicy)} connects to {@code REDIS_CACHE_URL}
 *       when it is set. Run the cache on its own server with {@code maxmemory-policy allkeys-lru}, and sessions, OTP
 *       state and lockout counters on a {@code noeviction} server: under an LRU policy a flood of cache writes evicts
 *       whatever was used least recently, security state included, while {@code noeviction} rejects writes instead
 *       of forgetting a lockout.
 * </ul>
 *
 * <p>Meters, tagged {@code cache=<name>}: {@code cloutsy.redis.cache.gets} with {@code result=hit|near_hit|miss|
 * negative_hit} ({@code near_hit} also counts a "not found" kept in memory), {@code cloutsy.redis.cache.loads},
 * {@code cloutsy.redis.cache.refreshes} (early refreshes), {@code cloutsy.redis.cache.degraded},
 * {@code cloutsy.redis.cache.corrupt}.
 *
 * <p>Thread-safe. Keys are used as given: build them with {@link com.cloutsy.redis.keys.Keys#cache} or pass any
 * key. The cache opens one connection of its own (two with a near cache) and closes them in {@link #close()}.
 */
public final class RedisCache implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisCache.class);
  private static final RedisCodec<String, byte[]> BYTES = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
  private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
  private static final int SCAN_BATCH = 500;
  // Entries up to this size are decoded where their read completed; see the design notes.
  private static final int INLINE_DECODE_BYTES = 1024;
  private static final String GLOB_SPECIALS = "*?[]\\";
  /** Beyond 40 deltas before expiry the chance of an early refresh is below e^-40: skip the random draw. */
  private static final double EARLY_REFRESH_HORIZON = 40;

  /**
   * The cache's own String/byte[] connection and its commands: a connection to the server, or on Redis Cluster a
   * cluster connection that routes by slot. The commands are typed to what both have in common.
   */
  private record BinaryConnection(StatefulConnection<String, byte[]> connection,
      RedisClusterAsyncCommands<String, byte[]> commands) {

    static BinaryConnection open(RedisService redis, String name) {
      try {
        if (redis.isCluster()) {
          StatefulRedisClusterConnection<String, byte[]> cluster = redis.clusterClient().connect(BYTES);
          return new BinaryConnection(cluster, cluster.async());
        }
        StatefulRedisConnection<String, byte[]> single = redis.client().connect(BYTES, redis.redisUri());
        return new BinaryConnection(single, single.async());
      } catch (RedisException unreachable) {
        throw new RedisUnavailableException("Cache '" + name + "' could not connect to Redis at "
            + redis.settings().describeEndpoint() + ": " + unreachable.getMessage(), unreachable);
      }
    }
  }

  /** Concurrent calls for one key and type share one flight. */
  private record Flight(String key, Type type) {}

  /**
   * What a lookup or a load produced.
   *
   * @param value the value, or null for "not found"
   * @param cached whether it came from the cache, and so may be due for an early refresh
   */
  private record Outcome(@Nullable Object value, boolean cached, int loadMicros, long expiresAtMillis) {
    /** A blocking read found Redis unavailable (and degraded); compared by identity. */
    static final Outcome UNAVAILABLE = new Outcome(null, false, 0, 0);

    static Outcome loaded(@Nullable Object value) {
      return new Outcome(value, false, 0, Long.MAX_VALUE);
    }
  }

  private record Loaded(@Nullable Object value, int loadMicros) {}

  private final RedisService redis;
  private final RedisRuntime runtime;
  private final @Nullable RedisService ownedService;
  private final String name;
  private final CachePolicy policy;
  private final Codec codec;
  private final Executor executor;
  private final Clock clock;
  private final StatefulConnection<String, byte[]> connection;
  private final RedisClusterAsyncCommands<String, byte[]> commands;
  private final @Nullable NearCache near;
  private final HashCache hashes;
  private final ConcurrentHashMap<Flight, CompletableFuture<Outcome>> flights = new ConcurrentHashMap<>();
  private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
  private final FeatureCounters.Counter hits;
  private final FeatureCounters.Counter nearHits;
  private final FeatureCounters.Counter misses;
  private final FeatureCounters.Counter negativeHits;
  private final FeatureCounters.Counter loads;
  private final FeatureCounters.Counter refreshes;
  private final FeatureCounters.Counter degraded;
  private final FeatureCounters.Counter corrupt;
  private final RateLimitedLog degradedLog = new RateLimitedLog(log, LOG_INTERVAL);
  private final RateLimitedLog corruptLog = new RateLimitedLog(log, LOG_INTERVAL);
  private final RateLimitedLog refreshLog = new RateLimitedLog(log, LOG_INTERVAL);
  private final RateLimitedLog oversizedLog = new RateLimitedLog(log, LOG_INTERVAL);
  private volatile boolean closed;

  private RedisCache(RedisService redis, String name, CachePolicy policy, Executor executor, Clock clock,
      boolean ownsService) {
    required(redis, "redis").runtime().commands();
    if (required(name, "name").isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    if (required(policy, "policy").hasNearCache() && redis.isCluster()) {
      throw new IllegalArgumentException("policy asks for a near cache, which cache '" + name + "' cannot keep on"
          + " Redis Cluster (" + redis.settings().describeEndpoint() + "): client tracking is per node and per"
          + " connection, and a near cache that missed one node's invalidations would serve stale values. Use a"
          + " policy without withNearCache, or run the cache on a server of its own (REDIS_CACHE_URL,"
          + " RedisCache.start), where the near cache works");
    }
    this.redis = redis;
    this.runtime = redis.runtime();
    this.ownedService = ownsService ? redis : null;
    this.name = name;
    this.policy = required(policy, "policy");
    this.codec = policy.codec();
    this.executor = required(executor, "executor");
    this.clock = clock;
    FeatureCounters counters = runtime.counters();
    String gets = "cloutsy.redis.cache.gets";
    this.hits = counters.counter(gets, "cache", name, "result", "hit");
    this.nearHits = counters.counter(gets, "cache", name, "result", "near_hit");
    this.misses = counters.counter(gets, "cache", name, "result", "miss");
    this.negativeHits = counters.counter(gets, "cache", name, "result", "negative_hit");
    this.loads = counters.counter("cloutsy.redis.cache.loads", "cache", name);
    this.refreshes = counters.counter("cloutsy.redis.cache.refreshes", "cache", name);
    this.degraded = counters.counter("cloutsy.redis.cache.degraded", "cache", name);
    this.corrupt = counters.counter("cloutsy.redis.cache.corrupt", "cache", name);
    BinaryConnection binary = BinaryConnection.open(redis, name);
    this.connection = binary.connection();
    this.commands = binary.commands();
    try {
      this.near = policy.hasNearCache() ? NearCache.open(redis, name, policy, clock) : null;
    } catch (RuntimeException failed) {
      connection.close();
      throw failed;
    }
    this.hashes = new HashCache(this);
  }

  /**
   * Creates a cache on a started service; the service stays the caller's to close. Asynchronous loaders are
   * called, and asynchronous results decoded, on {@link ForkJoinPool#commonPool()}.
   *
   * @param redis a started service
   * @param name the cache's name, for meters and logs ({@code "users"})
   * @param policy lifetimes, compression, near cache and codec
   * @throws RedisUnavailableException if the cache's connections cannot be opened, or the near cache needs client
   *     tracking that the server lacks (before Redis 6)
   * @throws IllegalArgumentException if the policy asks for a near cache and the service is on Redis Cluster, where
   *     this library does not keep one (see the class description)
   * @throws IllegalStateException if the service is not started
   */
  public static RedisCache create(RedisService redis, String name, CachePolicy policy) {
    return new RedisCache(redis, name, policy, ForkJoinPool.commonPool(), Clock.systemUTC(), false);
  }

  /**
   * Creates a cache whose asynchronous loaders are called, and asynchronous results decoded, on {@code executor}.
   *
   * @see #create(RedisService, String, CachePolicy)
   */
  public static RedisCache create(RedisService redis, String name, CachePolicy policy, Executor executor) {
    return new RedisCache(redis, name, policy, executor, Clock.systemUTC(), false);
  }

  /** For tests: a cache on an injected clock. */
  static RedisCache create(RedisService redis, String name, CachePolicy policy, Clock clock) {
    return new RedisCache(redis, name, policy, ForkJoinPool.commonPool(), required(clock, "clock"), false);
  }

  /**
   * Connects to the cache's own server and creates a cache on it: {@code REDIS_CACHE_URL} when it is set, otherwise
   * the main server ({@link RedisSettings#forCache()}). The cache owns that connection and closes it with itself.
   * Each call opens a service of its own; for several caches on one server, start one service with
   * {@code RedisService.start(settings.forCache())} and {@link #create} the caches on it. A cache server named by
   * {@code REDIS_CACHE_URL} is a single server even when the main one is a Redis Cluster, so a near cache works there.
   *
   * @throws RedisUnavailableException if the server cannot be reached
   * @throws IllegalArgumentException if the policy asks for a near cache and the cache's server is a Redis Cluster
   */
  public static RedisCache start(RedisSettings settings, String name, CachePolicy policy) {
    RedisService service = RedisService.start(required(settings, "settings").forCache());
    try {
      return new RedisCache(service, name, policy, ForkJoinPool.commonPool(), Clock.systemUTC(), true);
    } catch (RuntimeException failed) {
      service.close();
      throw failed;
    }
  }

  // ---- getOrLoad ----

  /**
   * Returns the cached value of {@code key}, or calls {@code loader}, caches what it returns for {@code ttl} (less
   * jitter) and returns that. A null from the loader means "not found": it is cached for the negative TTL and
   * returned as null. Concurrent calls for one key share one loader call; the loader runs on the calling thread of
   * one of them. If Redis fails or times out, the loader's value is returned and nothing is written.
   *
   * @param key the Redis key, e.g. {@code runtime.keyNames().cache("users", id)}
   * @param ttl how long the value stays cached, at least 1 ms
   * @param type the value's class
   * @param loader reads the value from the source of truth; null for "not found"
   * @return the value, or null for "not found"
   * @throws CodecException if the loaded value cannot be encoded (a bug in the value type or codec)
   */
  public <T> @Nullable T getOrLoad(String key, Duration ttl, Class<T> type, Supplier<? extends @Nullable T> loader) {
    return cast(load(checkedKey(key), ttlMillis(ttl), required(type, "type"), required(loader, "loader")));
  }

  /** {@link #getOrLoad(String, Duration, Class, Supplier)} for a generic type such as {@code List<User>}. */
  public <T> @Nullable T getOrLoad(
      String key, Duration ttl, TypeReference<T> type, Supplier<? extends @Nullable T> loader) {
    return cast(load(checkedKey(key), ttlMillis(ttl), typeOf(type), required(loader, "loader")));
  }

  /** {@link #getOrLoad(String, Duration, Class, Supplier)} with the policy's default TTL. */
  public <T> @Nullable T getOrLoad(String key, Class<T> type, Supplier<? extends @Nullable T> loader) {
    return getOrLoad(key, policy.defaultTtl(), type, loader);
  }

  /** {@link #getOrLoad(String, Duration, TypeReference, Supplier)} with the policy's default TTL. */
  public <T> @Nullable T getOrLoad(String key, TypeReference<T> type, Supplier<? extends @Nullable T> loader) {
    return getOrLoad(key, policy.defaultTtl(), type, loader);
  }

  /**
   * Asynchronous {@link #getOrLoad(String, Duration, Class, Supplier)}: {@code loader} starts the load and returns
   * its stage, whose null result means "not found". The loader is called on the cache's executor, never on a
   * Lettuce I/O thread; the returned stage may complete on one, so chain blocking work with the {@code ...Async}
   * methods of {@link CompletionStage}. Degrades like the blocking form; a failed loader stage fails the result.
   */
  public <T> CompletionStage<@Nullable T> getOrLoadAsync(String key, Duration ttl, Class<T> type,
      Supplier<? extends CompletionStage<? extends @Nullable T>> loader) {
    return loadAsync(checkedKey(key), ttlMillis(ttl), required(type, "type"), required(loader, "loader"))
        .thenApply(RedisCache::cast);
  }

  /** {@link #getOrLoadAsync(String, Duration, Class, Supplier)} for a generic type such as {@code List<User>}. */
  public <T> CompletionStage<@Nullable T> getOrLoadAsync(String key, Duration ttl, TypeReference<T> type,
      Supplier<? extends CompletionStage<? extends @Nullable T>> loader) {
    return loadAsync(checkedKey(key), ttlMillis(ttl), typeOf(type), required(loader, "loader"))
        .thenApply(RedisCache::cast);
  }

  // ---- get, put, invalidate ----

  /**
   * Looks {@code key} up without loading: a {@link CacheLookup.Hit}, a cached {@link CacheLookup.NotFound}, or a
   * {@link CacheLookup.Miss}, also when Redis could not be asked (counted as degraded) or the entry was corrupt
   * (deleted and counted). One GET, or none on a near-cache hit.
   */
  public <T> CacheLookup<T> get(String key, Class<T> type) {
    return lookup(checkedKey(key), required(type, "type"));
  }

  /** {@link #get(String, Class)} for a generic type such as {@code List<User>}. */
  public <T> CacheLookup<T> get(String key, TypeReference<T> type) {
    return lookup(checkedKey(key), typeOf(type));
  }

  /** Asynchronous {@link #get(String, Class)}; decodes entries over 1 KiB on the cache's executor. */
  public <T> CompletionStage<CacheLookup<T>> getAsync(String key, Class<T> type) {
    return lookupAsync(checkedKey(key), required(type, "type"));
  }

  /** Asynchronous {@link #get(String, TypeReference)}; decodes entries over 1 KiB on the cache's executor. */
  public <T> CompletionStage<CacheLookup<T>> getAsync(String key, TypeReference<T> type) {
    return lookupAsync(checkedKey(key), typeOf(type));
  }

  /** {@link #put(String, Object, Duration)} with the policy's default TTL. */
  public void put(String key, Object value) {
    put(key, value, policy.defaultTtl());
  }

  /**
   * Stores {@code value} for {@code ttl} (less jitter), replacing any entry; one SET. This process's next read sees
   * it at once; other processes' near caches drop their copy when Redis tells them.
   *
   * @throws RedisUnavailableException if Redis could not be asked; a timed-out write may still have happened
   * @throws CodecException if the value cannot be encoded
   */
  public void put(String key, Object value, Duration ttl) {
    runtime.await(putAsync(key, value, ttl));
  }

  /** Asynchronous {@link #put(String, Object, Duration)}; encodes on the calling thread. */
  public CompletionStage<Void> putAsync(String key, Object value, Duration ttl) {
    String checked = checkedKey(key);
    required(value, "value");
    long ttlMillis = ttlMillis(ttl);
    ensureOpen();
    return storeAsync(checked, value, 0, ttlMillis);
  }

  /**
   * Deletes the entry of {@code key} (UNLINK, so a large value is freed in the background); returns whether there
   * was one.
   *
   * @throws RedisUnavailableException if Redis could not be asked
   */
  public boolean invalidate(String key) {
    return runtime.await(invalidateAsync(key));
  }

  /** Asynchronous {@link #invalidate(String)}. */
  public CompletionStage<Boolean> invalidateAsync(String key) {
    String checked = checkedKey(key);
    ensureOpen();
    return send(() -> commands.unlink(checked))
        .whenComplete((count, failure) -> forgetLocally(checked))
        .thenApply(count -> count > 0);
  }

  /**
   * Deletes every key that starts with {@code prefix}, e.g. {@code runtime.keyNames().cachePrefix("users")}: SCAN with a
   * MATCH pattern in batches of about 500, and UNLINK of each batch, never KEYS. The prefix is matched literally:
   * glob characters in it ({@code * ? [ ] \}) are escaped, so it can never match more than its own keys. Not
   * atomic: keys written while it runs may survive. Its cost grows with the whole keyspace, not with the keys
   * deleted, as SCAN walks all of it; the server stays responsive between batches. On Redis Cluster SCAN walks every
   * master in turn, and each batch's UNLINK is split by slot, so keys spread over the cluster all go.
   *
   * @param prefix starts with the service's key prefix and names something after it, so one call can never delete
   *     all of the application's keys
   * @return how many keys were deleted
   * @throws IllegalArgumentException if the prefix breaks that rule
   * @throws RedisUnavailableException if Redis could not be asked; some keys may be deleted already
   */
  public long invalidatePrefix(String prefix) {
    return runtime.await(invalidatePrefixAsync(prefix));
  }

  /** Asynchronous {@link #invalidatePrefix(String)}. */
  public CompletionStage<Long> invalidatePrefixAsync(String prefix) {
    String checked = checkedPrefix(prefix);
    ensureOpen();
    ScanArgs match = ScanArgs.Builder.matches(escapeGlob(checked) + "*").limit(SCAN_BATCH);
    return scanAndUnlink(ScanCursor.INITIAL, match, 0).whenComplete((count, failure) -> {
      if (near != null) {
        near.invalidatePrefix(checked);
      }
    });
  }

  /** Typed access to hashes such as {@code user:{userId}:prefs}, with this cache's codec, TTLs and meters. */
  public HashCache hashes() {
    return hashes;
  }

  /** The name the meters and logs use. */
  public String name() {
    return name;
  }

  /** The policy this cache was created with. */
  public CachePolicy policy() {
    return policy;
  }

  /** Closes the cache's connections, and its service if {@link #start} opened it; idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (near != null) {
      near.close();
    }
    connection.close();
    if (ownedService != null) {
      ownedService.close();
    }
  }

  @Override
  public String toString() {
    return "RedisCache[" + name + ", " + redis.settings().describeEndpoint()
        + (near != null ? ", near cache " + policy.nearCacheSize() : "") + (closed ? ", closed" : "") + "]";
  }

  // ---- for tests ----

  /** Entries kept in the near cache now; 0 without one. */
  long nearCacheSize() {
    return near == null ? 0 : near.size();
  }

  /** Whether the near cache is keeping reads now: tracking is on for its current connection. */
  boolean isNearCacheArmed() {
    return near != null && near.isArmed();
  }

  // ---- what HashCache shares ----

  RedisRuntime runtime() {
    return runtime;
  }

  Executor executor() {
    return executor;
  }

  FeatureCounters.Counter hits() {
    return hits;
  }

  FeatureCounters.Counter misses() {
    return misses;
  }

  void degrade(RedisUnavailableException down) {
    degraded.increment();
    degradedLog.warn("Cache '" + name + "' is degraded: while Redis is unavailable, reads fall back to the loader or"
        + " miss, and loaded values are not stored", down);
  }

  void countCorrupt(RuntimeException why) {
    corrupt.increment();
    corruptLog.warn("Cache '" + name + "' found a corrupt entry; it was deleted and treated as a miss", why);
  }

  /** The TTL to write: {@code ttlMillis} less up to the policy's jitter share, at least 1 ms. */
  long jittered(long ttlMillis) {
    int percent = policy.ttlJitterPercent();
    if (percent == 0) {
      return ttlMillis;
    }
    long spread = (long) (ttlMillis * (percent / 100.0));
    return Math.max(1, ttlMillis - ThreadLocalRandom.current().nextLong(spread + 1));
  }

  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("cache '" + name + "' is closed");
    }
  }

  // ---- blocking paths: all work on the caller's thread ----

  private @Nullable Object load(String key, long ttlMillis, Type type, Supplier<?> loader) {
    ensureOpen();
    long deadline = System.nanoTime() + redis.settings().commandTimeout().toNanos();
    NearCache.Entry kept = near == null ? null : near.get(key);
    if (kept != null && kept.matches(type)) {
      nearHits.increment();
      return refreshIfDue(key, ttlMillis, kept.value(), kept.loadMicros(), kept.expiresAtMillis(), loader,
          deadline);
    }
    Flight flight = new Flight(key, type);
    CompletableFuture<Outcome> mine = new CompletableFuture<>();
    CompletableFuture<Outcome> running = flights.putIfAbsent(flight, mine);
    Outcome outcome;
    if (running != null) {
      outcome = joined(running);
    } else {
      try {
        outcome = lookupOrLoad(key, ttlMillis, type, loader, deadline);
        mine.complete(outcome);
      } catch (RuntimeException | Error failed) {
        mine.completeExceptionally(failed);
        throw failed;
      } finally {
        flights.remove(flight, mine);
      }
    }
    return outcome.cached()
        ? refreshIfDue(key, ttlMillis, outcome.value(), outcome.loadMicros(), outcome.expiresAtMillis(), loader,
            deadline)
        : outcome.value();
  }

  private Outcome lookupOrLoad(String key, long ttlMillis, Type type, Supplier<?> loader, long deadline) {
    Outcome cached = readBlocking(key, type);
    if (cached == Outcome.UNAVAILABLE) {
      return Outcome.loaded(timedLoad(loader).value());
    }
    if (cached != null) {
      return cached;
    }
    long loading = System.nanoTime();
    Loaded loaded = timedLoad(loader);
    storeQuietly(key, loaded, ttlMillis, deadline + (System.nanoTime() - loading));
    return Outcome.loaded(loaded.value());
  }

  private @Nullable Object refreshIfDue(String key, long ttlMillis, @Nullable Object current, int loadMicros,
      long expiresAtMillis, Supplier<?> loader, long deadline) {
    if (current == null || !isDueForEarlyRefresh(expiresAtMillis, loadMicros) || !refreshing.add(key)) {
      return current;
    }
    try {
      refreshes.increment();
      long loading = System.nanoTime();
      Loaded loaded = timedLoad(loader);
      storeQuietly(key, loaded, ttlMillis, deadline + (System.nanoTime() - loading));
      return loaded.value();
    } catch (RuntimeException failed) {
      refreshLog.warn("Cache '" + name + "' could not refresh an entry early; it serves the current value, which is"
          + " still within its TTL", failed);
      return current;
    } finally {
      refreshing.remove(key);
    }
  }

  /**
   * Stores a loaded value, waiting no longer than what is left of the call's command timeout (the loader's own time
   * does not count), so a read and a store that both meet a stalled server never keep the caller twice as long. A
   * Redis failure or a store still under way only degrades: the caller has its value either way.
   */
  private void storeQuietly(String key, Loaded loaded, long ttlMillis, long deadline) {
    CompletableFuture<Void> stored = storeAsync(key, loaded.value(), loaded.loadMicros(), ttlMillis)
        .toCompletableFuture();
    try {
      stored.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException late) {
      degrade(new RedisUnavailableException("Storing a loaded value in cache '" + name + "' did not finish within"
          + " the command timeout; it may still be stored", late));
    } catch (ExecutionException failed) {
      Throwable error = ServerError.unwrap(failed);
      if (error instanceof RedisUnavailableException down) {
        degrade(down);
      } else if (error instanceof ValueTooLargeException tooLarge) {
        oversizedLog.warn("Cache '" + name + "' serves a loaded value without storing it", tooLarge);
      } else {
        throw error instanceof RuntimeException runtime ? runtime : new CompletionException(error);
      }
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      degrade(new RedisUnavailableException("Interrupted while storing in cache '" + name + "'", interrupted));
    }
  }


  private Loaded timedLoad(Supplier<?> loader) {
    loads.increment();
    Instant started = clock.instant();
    Object value = loader.get();
    return new Loaded(value, microsSince(started));
  }

  private <T> CacheLookup<T> lookup(String key, Type type) {
    ensureOpen();
    NearCache.Entry kept = near == null ? null : near.get(key);
    if (kept != null && kept.matches(type)) {
      nearHits.increment();
      return lookupOf(kept.value());
    }
    Outcome outcome = readBlocking(key, type);
    return outcome == null || outcome == Outcome.UNAVAILABLE ? new CacheLookup.Miss<>() : lookupOf(outcome.value());
  }

  /**
   * Reads and decodes the entry at {@code key} on this thread: its outcome, null on a miss (or a corrupt entry), or
   * {@link Outcome#UNAVAILABLE} after degrading when Redis could not be asked.
   */
  private @Nullable Outcome readBlocking(String key, Type type) {
    NearCache.Read read = read(key);
    byte[] bytes;
    try {
      bytes = runtime.await(read.reply());
    } catch (RedisUnavailableException down) {
      abandon(key, read.pending());
      degrade(down);
      return Outcome.UNAVAILABLE;
    } catch (RuntimeException failed) {
      abandon(key, read.pending());
      throw failed;
    }
    return outcome(key, bytes, type, read.pending());
  }

  // ---- asynchronous paths: decoding and loaders on the executor ----

  private CompletionStage<@Nullable Object> loadAsync(
      String key, long ttlMillis, Type type, Supplier<? extends CompletionStage<?>> loader) {
    ensureOpen();
    NearCache.Entry kept = near == null ? null : near.get(key);
    if (kept != null && kept.matches(type)) {
      nearHits.increment();
      return refreshIfDueAsync(key, ttlMillis, kept.value(), kept.loadMicros(), kept.expiresAtMillis(), loader);
    }
    Flight flight = new Flight(key, type);
    CompletableFuture<Outcome> mine = new CompletableFuture<>();
    CompletableFuture<Outcome> running = flights.putIfAbsent(flight, mine);
    if (running == null) {
      running = mine;
      CompletionStage<Outcome> led;
      try {
        NearCache.Read read = read(key);
        led = decodeWhereCheap(read.reply(),
            (bytes, failure) -> afterRead(key, ttlMillis, type, loader, read.pending(), bytes, failure))
            .thenCompose(stage -> stage);
      } catch (RuntimeException failed) {
        led = CompletableFuture.failedFuture(failed);
      }
      // Whatever happens, the flight ends: a flight left behind would hold every later caller of this key.
      led.whenComplete((outcome, failure) -> {
        if (failure == null) {
          mine.complete(outcome);
        } else {
          mine.completeExceptionally(ServerError.unwrap(failure));
        }
        flights.remove(flight, mine);
      });
    }
    return running.thenCompose(outcome -> outcome.cached()
        ? refreshIfDueAsync(key, ttlMillis, outcome.value(), outcome.loadMicros(), outcome.expiresAtMillis(), loader)
        : CompletableFuture.completedFuture(outcome.value()));
  }

  private CompletionStage<Outcome> afterRead(String key, long ttlMillis, Type type,
      Supplier<? extends CompletionStage<?>> loader, NearCache.@Nullable Pending pending, byte @Nullable [] bytes,
      @Nullable Throwable failure) {
    if (failure != null) {
      abandon(key, pending);
      Throwable error = ServerError.unwrap(failure);
      if (!(error instanceof RedisUnavailableException down)) {
        return CompletableFuture.failedFuture(error);
      }
      degrade(down);
      return timedLoadAsync(loader).thenApply(loaded -> Outcome.loaded(loaded.value()));
    }
    Outcome cached = outcome(key, bytes, type, pending);
    if (cached != null) {
      return CompletableFuture.completedFuture(cached);
    }
    return timedLoadAsync(loader).thenComposeAsync(loaded -> storeQuietlyAsync(key, loaded, ttlMillis)
        .thenApply(stored -> Outcome.loaded(loaded.value())), executor);
  }

  private CompletionStage<@Nullable Object> refreshIfDueAsync(String key, long ttlMillis, @Nullable Object current,
      int loadMicros, long expiresAtMillis, Supplier<? extends CompletionStage<?>> loader) {
    if (current == null || !isDueForEarlyRefresh(expiresAtMillis, loadMicros) || !refreshing.add(key)) {
      return CompletableFuture.completedFuture(current);
    }
    refreshes.increment();
    CompletionStage<@Nullable Object> refreshed;
    try {
      refreshed = timedLoadAsync(loader).thenComposeAsync(
          loaded -> storeQuietlyAsync(key, loaded, ttlMillis).thenApply(stored -> loaded.value()), executor);
    } catch (RuntimeException rejected) {
      refreshed = CompletableFuture.failedFuture(rejected);
    }
    return refreshed.handle((fresh, failure) -> {
      refreshing.remove(key);
      if (failure == null) {
        return fresh;
      }
      refreshLog.warn("Cache '" + name + "' could not refresh an entry early; it serves the current value, which is"
          + " still within its TTL", ServerError.unwrap(failure));
      return current;
    });
  }

  /** Stores a loaded value; a Redis failure only degrades, other failures (encoding) fail the stage. */
  private CompletionStage<Void> storeQuietlyAsync(String key, Loaded loaded, long ttlMillis) {
    return storeAsync(key, loaded.value(), loaded.loadMicros(), ttlMillis).handle((ok, failure) -> {
      if (failure == null) {
        return null;
      }
      Throwable error = ServerError.unwrap(failure);
      if (error instanceof RedisUnavailableException down) {
        degrade(down);
        return null;
      }
      if (error instanceof ValueTooLargeException tooLarge) {
        oversizedLog.warn("Cache '" + name + "' serves a loaded value without storing it", tooLarge);
        return null;
      }
      throw error instanceof RuntimeException runtime ? runtime : new CompletionException(error);
    });
  }

  private CompletionStage<Loaded> timedLoadAsync(Supplier<? extends CompletionStage<?>> loader) {
    return CompletableFuture.supplyAsync(() -> {
      loads.increment();
      Instant started = clock.instant();
      CompletionStage<?> stage = loader.get();
      if (stage == null) {
        throw new NullPointerException("loader returned null instead of a CompletionStage");
      }
      return stage.thenApply(value -> new Loaded(value, microsSince(started)));
    }, executor).thenCompose(stage -> stage);
  }

  private <T> CompletionStage<CacheLookup<T>> lookupAsync(String key, Type type) {
    ensureOpen();
    NearCache.Entry kept = near == null ? null : near.get(key);
    if (kept != null && kept.matches(type)) {
      nearHits.increment();
      return CompletableFuture.completedFuture(lookupOf(kept.value()));
    }
    NearCache.Read read = read(key);
    return decodeWhereCheap(read.reply(), (bytes, failure) -> {
      if (failure != null) {
        abandon(key, read.pending());
        Throwable error = ServerError.unwrap(failure);
        if (!(error instanceof RedisUnavailableException down)) {
          throw error instanceof RuntimeException runtime ? runtime : new CompletionException(error);
        }
        degrade(down);
        return new CacheLookup.Miss<>();
      }
      Outcome outcome = outcome(key, bytes, type, read.pending());
      CacheLookup<T> lookup = outcome == null ? new CacheLookup.Miss<>() : lookupOf(outcome.value());
      return lookup;
    });
  }

  /**
   * Handles a read's reply where it is cheapest: a miss, a failure or a small uncompressed entry on the thread that
   * completed the read (decoding a few hundred bytes of JSON costs less than handing it to another thread, which on
   * a busy pool costs milliseconds), anything larger on the cache's executor. Loaders always run on the executor.
   */
  private <R> CompletionStage<R> decodeWhereCheap(CompletionStage<byte @Nullable []> reply,
      BiFunction<byte @Nullable [], @Nullable Throwable, R> handler) {
    return reply.handle((bytes, failure) -> bytes == null || bytes.length <= INLINE_DECODE_BYTES
            && (bytes.length == 0 || bytes[0] != Envelope.COMPRESSED)
        ? CompletableFuture.completedFuture(handler.apply(bytes, failure))
        : CompletableFuture.supplyAsync(() -> handler.apply(bytes, failure), executor))
        .thenCompose(stage -> stage);
  }

  // ---- shared steps ----

  private NearCache.Read read(String key) {
    return near != null ? near.read(key) : new NearCache.Read(send(() -> commands.get(key)), null);
  }

  /**
   * What a GET reply holds, counted as a get: an outcome for a value or a cached "not found", null for a miss. A
   * corrupt entry is deleted and counted, and is a miss.
   */
  private @Nullable Outcome outcome(String key, byte @Nullable [] bytes, Type type,
      NearCache.@Nullable Pending pending) {
    if (bytes == null) {
      abandon(key, pending);
      misses.increment();
      return null;
    }
    Envelope.Stored stored;
    Object value;
    try {
      stored = Envelope.read(bytes);
      byte[] payload = stored.payload();
      value = payload == null ? null : codec.decode(payload, type);
    } catch (RuntimeException corruptEntry) {
      // Whatever a codec throws on bytes it cannot read, the caller gets a miss, never the exception.
      abandon(key, pending);
      discardCorrupt(key, corruptEntry);
      misses.increment();
      return null;
    }
    (value == null ? negativeHits : hits).increment();
    if (pending != null && near != null) {
      near.fill(key, pending, new NearCache.Entry(value, type, stored.loadMicros(), stored.expiresAtMillis()));
    }
    return new Outcome(value, true, stored.loadMicros(), stored.expiresAtMillis());
  }

  private void discardCorrupt(String key, RuntimeException why) {
    countCorrupt(why);
    forgetLocally(key);
    // Fire and forget: if the delete fails, the next read finds the entry corrupt again and retries.
    send(() -> commands.unlink(key));
  }

  /**
   * Writes the entry for a value or, for null, a "not found" (nothing when negative caching is off); then this
   * process's near cache drops the key, so its next read sees the write. Encoding happens on the calling thread;
   * failures, encoding included, arrive in the stage.
   */
  private CompletionStage<Void> storeAsync(String key, @Nullable Object value, int loadMicros, long ttlMillis) {
    byte[] entry;
    long lifetime;
    try {
      if (value == null) {
        if (!policy.cachesNotFound()) {
          return CompletableFuture.completedFuture(null);
        }
        lifetime = jittered(policy.negativeTtl().toMillis());
        entry = Envelope.notFound(loadMicros, clock.millis() + lifetime);
      } else {
        lifetime = jittered(ttlMillis);
        entry = Envelope.value(codec.encode(value), policy.compressionThreshold(), loadMicros,
            clock.millis() + lifetime);
        runtime.checkValueSize("entry of cache '" + name + "'", entry.length);
      }
    } catch (RuntimeException unwritable) {
      return CompletableFuture.failedFuture(unwritable);
    }
    return send(() -> commands.set(key, entry, SetArgs.Builder.px(lifetime)))
        .whenComplete((ok, failure) -> forgetLocally(key))
        .thenApply(ok -> null);
  }

  private CompletionStage<Long> scanAndUnlink(ScanCursor cursor, ScanArgs match, long unlinked) {
    return send(() -> commands.scan(cursor, match)).thenCompose((KeyScanCursor<String> page) -> {
      List<String> keys = page.getKeys();
      CompletionStage<Long> batch = keys.isEmpty()
          ? CompletableFuture.completedFuture(0L)
          : send(() -> commands.unlink(keys.toArray(new String[0])));
      // The next page is asked for on the executor, never on the I/O thread that completed this one: Lettuce's
      // cluster SCAN opens the connection to the next master with a blocking wait, which on that thread would wait
      // for itself.
      return batch.thenComposeAsync(count -> page.isFinished()
          ? CompletableFuture.completedFuture(unlinked + count)
          : scanAndUnlink(page, match, unlinked + count), executor);
    });
  }

  private boolean isDueForEarlyRefresh(long expiresAtMillis, int loadMicros) {
    double beta = policy.earlyRefreshBeta();
    if (beta == 0) {
      return false;
    }
    long now = clock.millis();
    if ((expiresAtMillis - (double) now) * 1000 > loadMicros * beta * EARLY_REFRESH_HORIZON) {
      return false;
    }
    return isDueForEarlyRefresh(now, expiresAtMillis, loadMicros, beta,
        1.0 - ThreadLocalRandom.current().nextDouble());
  }

  /**
   * XFetch's test: refresh when {@code now - delta * beta * ln(uniform) >= expiry}, with delta the load time.
   *
   * @param uniform a uniform random number in (0, 1]
   */
  static boolean isDueForEarlyRefresh(long nowMillis, long expiresAtMillis, int loadMicros, double beta,
      double uniform) {
    double leftMicros = (expiresAtMillis - (double) nowMillis) * 1000;
    return leftMicros <= loadMicros * beta * -Math.log(uniform);
  }

  /** Escapes the characters special in a Redis MATCH pattern, so {@code literal} matches only itself. */
  static String escapeGlob(String literal) {
    StringBuilder escaped = new StringBuilder(literal.length() + 8);
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (GLOB_SPECIALS.indexOf(c) >= 0) {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  private void forgetLocally(String key) {
    if (near != null) {
      near.invalidate(key);
    }
  }

  private void abandon(String key, NearCache.@Nullable Pending pending) {
    if (pending != null && near != null) {
      near.abandon(key, pending);
    }
  }

  /** Sends a command; one that Lettuce refuses at once fails the stage like any other failure. */
  private <R> CompletionStage<R> send(Supplier<? extends CompletionStage<R>> command) {
    CompletionStage<R> sent;
    try {
      sent = command.get();
    } catch (RuntimeException rejected) {
      sent = CompletableFuture.failedFuture(rejected);
    }
    return runtime.mapFailures(sent);
  }

  private int microsSince(Instant started) {
    long micros = ChronoUnit.MICROS.between(started, clock.instant());
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, micros));
  }

  static String checkedKey(@Nullable String key) {
    if (required(key, "key").isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
    return key;
  }

  private String checkedPrefix(@Nullable String prefix) {
    String keyPrefix = runtime.keyNames().prefix();
    if (!required(prefix, "prefix").startsWith(keyPrefix) || prefix.length() == keyPrefix.length()) {
      throw new IllegalArgumentException("prefix must start with the key prefix \"" + keyPrefix
          + "\" and name something after it, was \"" + prefix + "\"");
    }
    return prefix;
  }

  static long ttlMillis(@Nullable Duration ttl) {
    if (required(ttl, "ttl").isNegative() || ttl.toMillis() < 1) {
      throw new IllegalArgumentException("ttl must be at least 1 ms, was " + ttl);
    }
    return ttl.toMillis();
  }

  private static Type typeOf(@Nullable TypeReference<?> type) {
    return required(type, "type").getType();
  }

  private static <T> CacheLookup<T> lookupOf(@Nullable Object value) {
    return value == null ? new CacheLookup.NotFound<>() : new CacheLookup.Hit<>(cast(value));
  }

  private static Outcome joined(CompletableFuture<Outcome> running) {
    try {
      return running.join();
    } catch (CompletionException failed) {
      Throwable cause = ServerError.unwrap(failed);
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw failed;
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(@Nullable Object value) {
    return (T) value;
  }

  static <T> T required(@Nullable T value, String name) {
    if (value == null) {
      throw new NullPointerException(name + " must not be null");
    }
    return value;
  }
}
