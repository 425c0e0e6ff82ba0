package com.cloutsy.redis.cache;

import com.cloutsy.redis.RedisRuntime;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
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
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A cache's own String/byte[] connection and the commands it sends on it, so entry bytes (compressed ones included)
 * travel unchanged: a connection to the server, or on Redis Cluster a cluster connection that routes by slot, walks
 * every master with SCAN and splits a multi-key UNLINK by slot. Commands go through
 * {@link RedisRuntime#send(RedisClusterAsyncCommands, Function)}, so their stages fail as every capability's do.
 */
final class CacheConnection implements AutoCloseable {

  static final RedisCodec<String, byte[]> BYTES = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final StatefulConnection<String, byte[]> connection;
  private final RedisClusterAsyncCommands<String, byte[]> commands;
  private final RedisRuntime runtime;

  private CacheConnection(StatefulConnection<String, byte[]> connection,
      RedisClusterAsyncCommands<String, byte[]> commands, RedisRuntime runtime) {
    this.connection = connection;
    this.commands = commands;
    this.runtime = runtime;
  }

  /**
   * Opens the connection of cache {@code name} on {@code redis}'s server or cluster.
   *
   * @throws RedisUnavailableException if it cannot connect
   */
  static CacheConnection open(RedisService redis, String name) {
    try {
      if (redis.isCluster()) {
        StatefulRedisClusterConnection<String, byte[]> cluster = redis.clusterClient().connect(BYTES);
        return new CacheConnection(cluster, cluster.async(), redis.runtime());
      }
      StatefulRedisConnection<String, byte[]> single = redis.client().connect(BYTES, redis.redisUri());
      return new CacheConnection(single, single.async(), redis.runtime());
    } catch (RedisException unreachable) {
      throw new RedisUnavailableException("Cache '" + name + "' could not connect to Redis at "
          + redis.settings().describeEndpoint() + ": " + unreachable.getMessage(), unreachable);
    }
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
    return runtime.send(commands, command);
  }

  @Override
  public void close() {
    connection.close();
  }
}
