package com.cloutsy.redis;

import com.cloutsy.redis.script.ScriptRunner;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

/**
 * The parts of a {@link RedisService} that exist only between its start and its close. {@code connection} is a
 * {@link StatefulRedisConnection} or, in cluster mode, a {@link StatefulRedisClusterConnection}; {@code follower} moves
 * a single server's or Sentinel's connections to a new master, and is null in cluster mode (the cluster client follows
 * MOVED and refreshes its topology instead).
 */
record Connected(StatefulConnection<String, String> connection, RedisClusterAsyncCommands<String, String> async,
    ScriptRunner scripts, ConnectionEventLog events, ReadRetry reads, Durable durable,
    @Nullable MasterFollower follower) {

  /**
   * Where durable writes and their WAIT go: a connection of its own when durability is on, because WAIT blocks the
   * connection it is sent on (every command behind it waits, for up to the WAIT timeout when replicas are missing),
   * and it must be the connection that carried the write. Otherwise the shared connection.
   */
  record Durable(StatefulConnection<String, String> connection, RedisClusterAsyncCommands<String, String> async,
      ScriptRunner scripts) {}
}
