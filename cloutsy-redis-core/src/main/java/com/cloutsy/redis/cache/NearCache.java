package com.cloutsy.redis.cache;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.push.PushListener;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.lang.reflect.Type;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design notes. Values live in a bounded Caffeine cache and stay correct through Redis server-assisted client-side
 * caching: this class owns one connection, turns CLIENT TRACKING on for it (default mode: the server remembers every
 * key this connection reads) and sends every read of the cache through it. When any client changes or deletes such
 * a key, or it expires or is evicted, the server pushes an "invalidate" message (RESP3, on the same connection) and
 * the key leaves the near cache. Lettuce's ClientSideCaching helper is not used: it is deprecated, works on a single
 * server only and does not turn tracking on again after a reconnect.
 *
 * Races, and how each is closed:
 * - A write between our GET and our filling the near cache. Before the GET is sent a placeholder (Pending) goes in
 *   for the key; an invalidation removes whatever is there; the reply replaces the placeholder only if it is still
 *   there. Because the push travels on the same connection as the reply, a write executed after our GET is always
 *   invalidated after the reply arrives, and one executed before it is already in the reply. So an invalidation
 *   that arrives while the reply is still outstanding leaves the placeholder alone: the write it reports is older
 *   than the value on its way. (Reply and push are decoded in order on the connection's one I/O thread.)
 * - A dropped connection. Invalidations sent while it was down are lost, so on disconnect everything is flushed, and
 *   nothing is cached again until CLIENT TRACKING has been confirmed on the new connection. Every connect and
 *   disconnect starts a new epoch; a placeholder records its epoch and fills only if tracking was armed in that
 *   epoch and still is. Reads in between go to Redis without being kept.
 * - A flush racing a fill. The flush bumps the epoch before clearing, and a fill re-checks the epoch after
 *   replacing, so one of the two always removes the entry.
 * A host that vanishes without closing the connection is noticed by TCP keep-alive and TCP_USER_TIMEOUT (RedisService
 * sets both, about 8 s idle); until then the near cache may serve values that changed meanwhile.
 */
/**
 * Values kept in process memory in front of Redis, invalidated by Redis client-side caching. Thread-safe; a hit is a
 * Caffeine lookup without I/O.
 */
final class NearCache implements PushListener, RedisConnectionStateListener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisCache.class);
  private static final RedisCodec<String, byte[]> BYTES = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
  private static final Duration REARM_RETRY = Duration.ofSeconds(1);

  /**
   * A value kept in memory.
   *
   * @param value the decoded value, or null for a cached "not found"
   * @param type what it was decoded as; a "not found" matches any type
   * @param loadMicros how long its loader took, for early refresh
   * @param expiresAtMillis when its Redis entry expires, by the server's clock as the writer estimated it
   */
  record Entry(@Nullable Object value, Type type, int loadMicros, long expiresAtMillis) {
    boolean matches(Type requested) {
      return value == null || type.equals(requested);
    }
  }

  /** Stands in for a key whose value is being read, so an invalidation that arrives meanwhile can remove it. */
  static final class Pending {
    private final long epoch;
    private final Future<?> reply;

    private Pending(long epoch, Future<?> reply) {
      this.epoch = epoch;
      this.reply = reply;
    }

    /**
     * Whether the GET's reply has not arrived yet. Replies and pushes are decoded in order on one I/O thread, so an
     * invalidation seen before the reply was sent before the GET ran, and the reply already holds the new value.
     */
    boolean awaitsReply() {
      return !reply.isDone();
    }
  }

  /**
   * A read sent through the tracking connection.
   *
   * @param reply the stored bytes, or null for a missing key
   * @param pending the placeholder to fill with the decoded value, or null when this read must not be kept
   */
  record Read(CompletionStage<byte @Nullable []> reply, @Nullable Pending pending) {}

  private final RedisService redis;
  private final String name;
  /** The cache server's time, which entries record their expiry by. */
  private final Clock clock;
  private final long maxNanos;
  private final long pendingNanos;
  private final Cache<String, Object> entries;
  private final StatefulRedisConnection<String, byte[]> connection;
  private final RedisAsyncCommands<String, byte[]> commands;
  private final RateLimitedLog rearmLog;
  private final AtomicLong epoch = new AtomicLong();
  private volatile long armedEpoch = -1;
  private volatile boolean closed;

  private NearCache(RedisService redis, String name, CachePolicy policy, Clock clock,
      StatefulRedisConnection<String, byte[]> connection) {
    this.redis = redis;
    this.name = name;
    this.clock = clock;
    this.maxNanos = policy.nearCacheTtl().toNanos();
    // A placeholder outlives its read only if the reply never came; it must not block caching that key for long.
    this.pendingNanos = redis.settings().commandTimeout().multipliedBy(2).toNanos();
    this.connection = connection;
    this.commands = connection.async();
    this.rearmLog = new RateLimitedLog(log, Duration.ofSeconds(30));
    this.entries = Caffeine.newBuilder()
        .maximumSize(policy.nearCacheSize())
        .expireAfter(new Lifetime())
        .build();
  }

  /**
   * Opens the tracking connection and turns tracking on.
   *
   * @throws RedisUnavailableException if Redis cannot be reached or refuses CLIENT TRACKING (before Redis 6)
   */
  static NearCache open(RedisService redis, String name, CachePolicy policy, Clock clock) {
    StatefulRedisConnection<String, byte[]> connection;
    try {
      connection = redis.client().connect(BYTES, redis.redisUri());
    } catch (RedisException unreachable) {
      throw new RedisUnavailableException("Cache '" + name + "' could not open its near-cache connection to Redis at "
          + redis.settings().describeEndpoint() + ": " + unreachable.getMessage(), unreachable);
    }
    NearCache near = new NearCache(redis, name, policy, clock, connection);
    connection.addListener((PushListener) near);
    connection.addListener((RedisConnectionStateListener) near);
    try {
      long first = near.epoch.get();
      redis.runtime().await(redis.runtime().mapFailures(near.commands.clientTracking(TrackingArgs.Builder.enabled())));
      near.armedEpoch = first;
      return near;
    } catch (RuntimeException refused) {
      near.close();
      if (refused instanceof RedisUnavailableException) {
        throw refused;
      }
      throw new RedisUnavailableException("Cache '" + name + "' needs CLIENT TRACKING (Redis 6 or later, RESP3) for"
          + " its near cache: " + refused.getMessage(), refused);
    }
  }

  /** The kept value of {@code key}, or null; never blocks and never does I/O. */
  @Nullable Entry get(String key) {
    Object kept = entries.getIfPresent(key);
    return kept instanceof Entry entry ? entry : null;
  }

  /**
   * Reads {@code key} through the tracking connection, with a placeholder for its value when tracking is armed and
   * no other read of the key is under way.
   */
  Read read(String key) {
    // The command exists before the placeholder, so an invalidation can always tell whether its reply came first.
    AsyncCommand<String, byte[], byte[]> get = new AsyncCommand<>(
        new Command<>(CommandType.GET, new ValueOutput<>(BYTES), new CommandArgs<>(BYTES).addKey(key)));
    long current = epoch.get();
    Pending pending = null;
    if (armedEpoch == current) {
      Pending mine = new Pending(current, get);
      if (entries.asMap().putIfAbsent(key, mine) == null) {
        pending = mine;
      }
    }
    try {
      connection.dispatch(get);
    } catch (RuntimeException rejected) {
      get.completeExceptionally(rejected);
    }
    return new Read(redis.runtime().mapFailures(get), pending);
  }

  /** Puts the value a read returned in place of its placeholder, unless the key was invalidated meanwhile. */
  void fill(String key, Pending pending, Entry entry) {
    if (armedEpoch != pending.epoch || epoch.get() != pending.epoch) {
      entries.asMap().remove(key, pending);
      return;
    }
    if (entries.asMap().replace(key, pending, entry)
        && (armedEpoch != pending.epoch || epoch.get() != pending.epoch)) {
      entries.asMap().remove(key, entry);
    }
  }

  /** Drops the placeholder of a read whose value is not to be kept. */
  void abandon(String key, Pending pending) {
    entries.asMap().remove(key, pending);
  }

  /** Drops {@code key}; for this process's own writes, which must be visible to its next read at once. */
  void invalidate(String key) {
    entries.invalidate(key);
  }

  /** Drops every key that starts with {@code prefix}. */
  void invalidatePrefix(String prefix) {
    entries.asMap().keySet().removeIf(key -> key.startsWith(prefix));
  }

  /** Whether tracking is confirmed on the current connection, so reads are being kept. */
  boolean isArmed() {
    return armedEpoch == epoch.get() && !closed;
  }

  /** How many keys are kept (values and reads under way), after pending evictions are done. */
  long size() {
    entries.cleanUp();
    return entries.estimatedSize();
  }

  @Override
  public void onPushMessage(PushMessage message) {
    if (!"invalidate".equals(message.getType())) {
      return;
    }
    List<Object> content = message.getContent(StringCodec.UTF8::decodeKey);
    Object keys = content.size() > 1 ? content.get(1) : null;
    if (keys instanceof List<?> list) {
      for (Object key : list) {
        if (key instanceof String changed) {
          invalidated(changed);
        }
      }
    } else {
      // A null key list means the server flushed its data (FLUSHALL, FLUSHDB): everything goes.
      entries.invalidateAll();
    }
  }

  /** Runs on the connection's I/O thread, which also completes replies, so a reply cannot arrive meanwhile. */
  private void invalidated(String key) {
    if (entries.asMap().get(key) instanceof Pending pending && pending.awaitsReply()) {
      return;
    }
    entries.invalidate(key);
  }

  @Override
  public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress remote) {
    if (handler != connection || closed) {
      return;
    }
    long current = epoch.incrementAndGet();
    entries.invalidateAll();
    arm(current);
  }

  @Override
  public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
    if (handler != connection) {
      return;
    }
    epoch.incrementAndGet();
    entries.invalidateAll();
  }

  private void arm(long armingEpoch) {
    CompletionStage<String> tracking;
    try {
      tracking = commands.clientTracking(TrackingArgs.Builder.enabled());
    } catch (RuntimeException rejected) {
      tracking = CompletableFuture.failedFuture(rejected);
    }
    tracking.whenComplete((ok, failure) -> {
      if (failure == null) {
        if (epoch.get() == armingEpoch) {
          armedEpoch = armingEpoch;
        }
        return;
      }
      rearmLog.warn("Cache '" + name + "' could not turn client tracking on again after a reconnect; its near cache"
          + " stays bypassed and it retries", failure);
      // Still connected in the same epoch (a timeout, say): try again; a new connection arms on its own. arm turns
      // every failure into this logged retry, so the task's future has nothing to report.
      Future<?> unused = redis.client().getResources().eventExecutorGroup().schedule(() -> {
        if (epoch.get() == armingEpoch && !closed) {
          arm(armingEpoch);
        }
      }, REARM_RETRY.toMillis(), TimeUnit.MILLISECONDS);
    });
  }

  /** Stops tracking and closes the connection; idempotent. */
  @Override
  public void close() {
    closed = true;
    epoch.incrementAndGet();
    connection.removeListener((PushListener) this);
    connection.removeListener((RedisConnectionStateListener) this);
    connection.close();
    entries.invalidateAll();
  }

  /** An entry lives until its Redis entry expires, at most the near-cache TTL; a placeholder briefly. */
  private final class Lifetime implements Expiry<String, Object> {

    @Override
    public long expireAfterCreate(String key, Object value, long currentTime) {
      if (!(value instanceof Entry entry)) {
        return pendingNanos;
      }
      long leftMillis = entry.expiresAtMillis() - clock.millis();
      if (leftMillis <= 0) {
        return 0;
      }
      return leftMillis >= maxNanos / 1_000_000 ? maxNanos : TimeUnit.MILLISECONDS.toNanos(leftMillis);
    }

    @Override
    public long expireAfterUpdate(String key, Object value, long currentTime, long currentDuration) {
      return expireAfterCreate(key, value, currentTime);
    }

    @Override
    public long expireAfterRead(String key, Object value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
