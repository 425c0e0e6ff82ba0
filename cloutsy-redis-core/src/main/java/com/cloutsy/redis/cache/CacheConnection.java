package com.cloutsy.redis.cache;

import com.cloutsy.redis.RedisRuntime;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A cache's own String/byte[] connection and the commands it sends on it, so entry bytes (compressed ones included)
 * travel unchanged: a connection to the server, or on Redis Cluster a cluster connection that routes by slot, walks
 * every master with SCAN and splits a multi-key UNLINK by slot. Commands go through
 * {@link RedisRuntime#send(RedisClusterAsyncCommands, Function)}, so their stages fail as every capability's do.
 */
final class CacheConnection implements AutoCloseable {

  static final RedisCodec<String, byte[]> BYTES = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final RedisService redis;
  private final String name;
  private final RedisRuntime runtime;
  private final AtomicReference<@Nullable Opened> opened = new AtomicReference<>();
  private final AtomicBoolean opening = new AtomicBoolean();
  private volatile boolean closed;

  /** An open connection and its commands. */
  private record Opened(StatefulConnection<String, byte[]> connection,
      RedisClusterAsyncCommands<String, byte[]> commands) {}

  private CacheConnection(RedisService redis, String name, @Nullable Opened opened) {
    this.redis = redis;
    this.name = name;
    this.runtime = redis.runtime();
    this.opened.set(opened);
  }

  /**
   * Opens the connection of cache {@code name} on {@code redis}'s server or cluster. On a lazily started service
   * ({@code REDIS_LAZY_CONNECT}) that is not connected yet, it is opened later instead, in the background after the
   * service has connected; until then the cache's commands fail as during an outage, so the cache degrades.
   *
   * @throws RedisUnavailableException if it cannot connect (and the service is not lazy)
   */
  static CacheConnection open(RedisService redis, String name) {
    if (redis.settings().lazyConnect() && !redis.isConnected()) {
      return new CacheConnection(redis, name, null);
    }
    try {
      return new CacheConnection(redis, name, connect(redis).toCompletableFuture().join());
    } catch (CompletionException | RedisException failed) {
      Throwable unreachable = failed instanceof CompletionException && failed.getCause() != null
          ? failed.getCause() : failed;
      if (redis.settings().lazyConnect()) {
        return new CacheConnection(redis, name, null);
      }
      throw new RedisUnavailableException("Cache '" + name + "' could not connect to Redis at "
          + redis.settings().describeEndpoint() + ": " + unreachable.getMessage(), unreachable);
    }
  }

  private static CompletionStage<Opened> connect(RedisService redis) {
    if (redis.isCluster()) {
      return redis.clusterClient().connectAsync(BYTES)
          .thenApply(cluster -> new Opened(cluster, cluster.async()));
    }
    return redis.client().connectAsync(BYTES, redis.redisUri())
        .thenApply(single -> new Opened(single, single.async()));
  }

  CompletionStage<byte[]> get(String key) {
    return send(commands -> commands.get(key));
  }

  CompletionStage<String> set(String key, byte[] entry, long ttlMillis) {
    return send(commands -> commands.set(key, entry, SetArgs.Builder.px(ttlMillis)));
  }

  CompletionStage<Long> unlink(String... keys) {
    return send(commands -> commands.unlink(keys));
  }

  /** TIME of the server that holds the cache's entries: seconds and microseconds, as ASCII digits. */
  CompletionStage<List<byte[]>> time() {
    return send(commands -> commands.time());
  }

  CompletionStage<KeyScanCursor<String>> scan(ScanCursor cursor, ScanArgs match) {
    return send(commands -> commands.scan(cursor, match));
  }

  private <R> CompletionStage<R> send(
      Function<RedisClusterAsyncCommands<String, byte[]>, ? extends CompletionStage<R>> command) {
    Opened open = opened.get();
    if (open != null) {
      return runtime.send(open.commands(), command);
    }
    openInBackground();
    return CompletableFuture.failedStage(new RedisUnavailableException("Cache '" + name + "' is not connected to"
        + " Redis at " + redis.settings().describeEndpoint() + " yet (lazy start)",
        new RedisConnectionException("cache connection not open yet")));
  }

  /**
   * Opens the connection once the service is connected (whose own attempts pace the retries), one attempt at a time.
   */
  private void openInBackground() {
    if (closed || !redis.isConnected() || !opening.compareAndSet(false, true)) {
      return;
    }
    connect(redis).whenComplete((open, failed) -> {
      if (open != null && (closed || !opened.compareAndSet(null, open))) {
        open.connection().close();
      }
      opening.set(false);
    });
  }

  @Override
  public void close() {
    closed = true;
    Opened open = opened.getAndSet(null);
    if (open != null) {
      open.connection().close();
    }
  }
}
