package com.cloutsy.redis.cache;

import com.cloutsy.redis.FeatureCounters;
import com.cloutsy.redis.RedisMisconfigurationException;
import com.cloutsy.redis.RedisRuntime;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.codec.CodecException;
import com.cloutsy.redis.config.RedisSettings;
import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
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
 *   loader cannot cause a damaging stampede. The expiry an entry records and the "now" it is compared with are
 *   both the cache server's time (ServerClock: the local clock plus an offset measured with TIME), so a JVM whose
 *   clock is hours off neither refreshes on every read nor never; Redis still expires the key by its own TTL.
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
 * User user = users.getOrLoad(redis.keyNames().cache("users", id), Duration.ofMinutes(5), User.class,
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

  private final RedisService redis;
  private final RedisRuntime runtime;
  private final @Nullable RedisService ownedService;
  private final String name;
  private final CachePolicy policy;
  private final CacheConnection connection;
  private final @Nullable NearCache near;
  private final CacheEntries entries;
  private final CacheReads reads;
  private final CacheReads.Work onExecutor;
  private final PrefixInvalidation prefixes;
  private final HashCache hashes;
  private volatile boolean closed;

  private RedisCache(RedisService redis, String name, CachePolicy policy, Executor executor, Clock clock,
      boolean ownsService) {
    try {
      required(redis, "redis").runtime().commands();
    } catch (RedisUnavailableException | RedisMisconfigurationException connecting) {
      // A lazily started service that is still connecting: the cache degrades to its loaders until it is.
    }
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
    required(executor, "executor");
    this.connection = CacheConnection.open(redis, name);
    ServerClock serverClock = new ServerClock(clock, connection::time);
    try {
      this.near = policy.hasNearCache() ? NearCache.open(redis, name, policy, serverClock) : null;
    } catch (RuntimeException failed) {
      connection.close();
      throw failed;
    }
    this.entries = new CacheEntries(name, policy, runtime, executor, clock, serverClock, connection, near);
    this.reads = new CacheReads(entries);
    this.onExecutor = executor::execute;
    this.prefixes = new PrefixInvalidation(connection, executor);
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
   * @param key the Redis key, e.g. {@code redis.keyNames().cache("users", id)}
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
    return entries.store(checked, value, 0, ttlMillis);
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
    return connection.unlink(checked)
        .whenComplete((count, failure) -> entries.forgetLocally(checked))
        .thenApply(count -> count > 0);
  }

  /**
   * Deletes every key that starts with {@code prefix}, e.g. {@code redis.keyNames().cachePrefix("users")}: SCAN with a
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
    return prefixes.unlinkAll(checked).whenComplete((count, failure) -> {
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

  // ---- the reads, on an open cache: the blocking forms wait on the asynchronous ones ----

  private @Nullable Object load(String key, long ttlMillis, Type type, Supplier<?> loader) {
    ensureOpen();
    CallerThread caller = callerThread();
    return caller.await(
        reads.load(key, ttlMillis, type, () -> CompletableFuture.completedFuture(loader.get()), caller));
  }

  private CompletionStage<@Nullable Object> loadAsync(
      String key, long ttlMillis, Type type, Supplier<? extends CompletionStage<?>> loader) {
    ensureOpen();
    return reads.load(key, ttlMillis, type, loader, onExecutor);
  }

  @SuppressWarnings("unchecked") // the lookup's value is what type names
  private <T> CacheLookup<T> lookup(String key, Type type) {
    ensureOpen();
    CallerThread caller = callerThread();
    return (CacheLookup<T>) (CacheLookup<?>) caller.await(reads.lookup(key, type, caller));
  }

  private <T> CompletionStage<CacheLookup<T>> lookupAsync(String key, Type type) {
    ensureOpen();
    return reads.lookup(key, type, onExecutor).thenApply(RedisCache::cast);
  }

  /** The work of a blocking call, run on its thread; its wait for a store is bounded by the command timeout. */
  CallerThread callerThread() {
    return new CallerThread(entries.executor, runtime.settings().commandTimeout().toNanos(),
        () -> entries.degradation.degrade(new RedisUnavailableException("Storing a loaded value in cache '" + name
            + "' did not finish within the command timeout; it may still be stored",
            new TimeoutException("store under way after " + runtime.settings().commandTimeout()))));
  }

  // ---- what HashCache shares ----

  RedisRuntime runtime() {
    return runtime;
  }

  CacheReads.Work onExecutor() {
    return onExecutor;
  }

  FeatureCounters.Counter hits() {
    return entries.hits;
  }

  FeatureCounters.Counter misses() {
    return entries.misses;
  }

  void degrade(RedisUnavailableException down) {
    entries.degradation.degrade(down);
  }

  void countCorrupt(RuntimeException why) {
    entries.degradation.countCorrupt(why);
  }

  /** The TTL to write: {@code ttlMillis} less up to the policy's jitter share, at least 1 ms. */
  long jittered(long ttlMillis) {
    return entries.jittered(ttlMillis);
  }

  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("cache '" + name + "' is closed");
    }
  }

  static String checkedKey(@Nullable String key) {
    String checked = required(key, "key");
    if (checked.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
    return checked;
  }

  private String checkedPrefix(@Nullable String prefix) {
    String keyPrefix = runtime.keyNames().prefix();
    String checked = required(prefix, "prefix");
    if (!checked.startsWith(keyPrefix) || checked.length() == keyPrefix.length()) {
      throw new IllegalArgumentException("prefix must start with the key prefix \"" + keyPrefix
          + "\" and name something after it, was \"" + checked + "\"");
    }
    return checked;
  }

  static long ttlMillis(@Nullable Duration ttl) {
    Duration checked = required(ttl, "ttl");
    if (checked.isNegative() || checked.toMillis() < 1) {
      throw new IllegalArgumentException("ttl must be at least 1 ms, was " + checked);
    }
    return checked.toMillis();
  }

  private static Type typeOf(@Nullable TypeReference<?> type) {
    return required(type, "type").getType();
  }

  @SuppressWarnings("unchecked") // T is what the caller's type names, which the codec decoded
  static <T> CacheLookup<T> lookupOf(@Nullable Object value) {
    return value == null ? new CacheLookup.NotFound<>() : new CacheLookup.Hit<>((T) value);
  }

  // T is what the caller's Class or TypeReference names, which the codec decoded.
  @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
  private static <T> @Nullable T cast(@Nullable Object value) {
    return (T) value;
  }

  static <T> T required(@Nullable T value, String name) {
    if (value == null) {
      throw new NullPointerException(name + " must not be null");
    }
    return value;
  }
}
