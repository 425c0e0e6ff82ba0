package com.cloutsy.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design notes. Lettuce asks the sentinels for the master only when a connection reconnects. After a failover that
 * killed nothing (SENTINEL FAILOVER, or a partitioned master that comes back), nothing drops our connection at the
 * promotion: the old master keeps taking writes until the sentinels convert it (seconds later; those writes are lost
 * in its resync), and after that it answers READONLY. Two triggers make the connections reconnect, which re-resolves
 * the master: the sentinels' +switch-master announcement (subscribed on every sentinel, so one that is down does not
 * hide it), and a READONLY reply to any command. The reconnect is a QUIT: the server closes the connection, and
 * Lettuce's watchdog reconnects it through the sentinels, resubscribing nothing it should not; it needs no ACL right
 * (unlike CLIENT KILL). Reconnects are at least MIN_INTERVAL apart, so a burst of READONLY replies costs one.
 */

/**
 * Moves the service's connections to the new master after a Sentinel failover or a demotion: on the sentinels'
 * {@code +switch-master} for our master, and on a {@code READONLY} reply (which also helps a single server behind a
 * name that an operator or a cloud failover repointed), it makes them reconnect, which asks the sentinels again.
 */
final class MasterFollower implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisService.class);
  static final long MIN_INTERVAL_MILLIS = 250;
  private static final String SWITCH_MASTER = "+switch-master";

  private final String endpoint;
  private final List<StatefulRedisConnection<String, String>> connections;
  private final List<StatefulRedisPubSubConnection<String, String>> sentinels = new ArrayList<>();
  private final AtomicReference<@Nullable String> lastSwitch = new AtomicReference<>();
  private final AtomicLong lastReconnect = new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(1));

  /**
   * Follows the master for {@code connections}; with a Sentinel {@code uri} it also listens to every sentinel it can
   * reach for {@code +switch-master} of the URI's master (a sentinel that cannot be reached is left out, READONLY
   * still covers).
   */
  MasterFollower(RedisClient client, RedisURI uri, String endpoint,
      List<StatefulRedisConnection<String, String>> connections) {
    this.endpoint = endpoint;
    this.connections = List.copyOf(connections);
    String master = uri.getSentinelMasterId();
    if (master == null) {
      return;
    }
    for (RedisURI sentinel : uri.getSentinels()) {
      try {
        StatefulRedisPubSubConnection<String, String> listening = client.connectPubSub(StringCodec.UTF8, sentinel);
        listening.addListener(new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            // "<master name> <old ip> <old port> <new ip> <new port>"
            // Every sentinel announces the same switch: the first one reconnects, the others' echoes do nothing.
            if (SWITCH_MASTER.equals(channel) && message.startsWith(master + " ")
                && !message.equals(lastSwitch.getAndSet(message))) {
              reconnect("the sentinels promoted a new master (" + message + ")");
            }
          }
        });
        CompletionStage<Void> subscribed = listening.async().subscribe(SWITCH_MASTER);
        subscribed.exceptionally(failure -> {
          log.debug("Could not subscribe to {} on sentinel {}: {}", SWITCH_MASTER, sentinel.getHost(),
              failure.toString());
          return null;
        });
        sentinels.add(listening);
      } catch (RedisException unreachable) {
        log.debug("Sentinel {}:{} not reachable for {}: {}", sentinel.getHost(), sentinel.getPort(), SWITCH_MASTER,
            unreachable.toString());
      }
    }
  }

  /** A command was refused with READONLY: the connection is on a replica, likely a demoted master. */
  void readOnlyAnswered() {
    reconnect("a command was refused with READONLY (the server is a replica now)");
  }

  private void reconnect(String why) {
    long last = lastReconnect.get();
    long now = System.nanoTime();
    if (now - last < TimeUnit.MILLISECONDS.toNanos(MIN_INTERVAL_MILLIS) || !lastReconnect.compareAndSet(last, now)) {
      return;
    }
    log.info("Redis master of {} moved: {}; reconnecting to find it", endpoint, why);
    for (StatefulRedisConnection<String, String> connection : connections) {
      if (connection.isOpen()) {
        // The server closes the connection after QUIT; the watchdog reconnects it to the master the sentinels name.
        CompletionStage<String> quit =
            connection.async().dispatch(CommandType.QUIT, new StatusOutput<>(StringCodec.UTF8));
        quit.exceptionally(closedAlready -> null);
      }
    }
  }

  /** Stops listening to the sentinels; the service's connections are the service's to close. */
  @Override
  public void close() {
    sentinels.forEach(StatefulRedisPubSubConnection::close);
  }
}
