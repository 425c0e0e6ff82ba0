package com.cloutsy.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.event.Event;
import io.lettuce.core.event.connection.ConnectedEvent;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * Logs the seed's connection events (connect, ready, error, close) of the service's own connection, once each per
 * change of state: a server that stays down for an hour gives one warning, not one per reconnect attempt, and
 * connections that callers open from the same client (pub/sub, a MULTI of their own) do not show up as ours.
 *
 * <p>In cluster mode the service's connection is one connection per node underneath: the service is ready once the
 * first node connection is, and each node that is lost (a failed master, say) is reported once when it goes and
 * once when it comes back, with its address.
 */
final class ConnectionEventLog implements RedisConnectionStateListener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisService.class);

  private enum State { DOWN, CONNECTED, READY, CLOSING }

  private final AbstractRedisClient client;
  private final Failures failures;
  private final String endpoint;
  private final boolean cluster;
  private final Map<RedisChannelHandler<?, ?>, String> nodes = new ConcurrentHashMap<>();
  private final Map<String, Boolean> nodesDown = new ConcurrentHashMap<>();
  private final AtomicReference<State> state = new AtomicReference<>(State.DOWN);
  private final AtomicBoolean outageReported = new AtomicBoolean();
  private final Disposable subscription;
  // Unknown until connect() returns; until then the only connection of the client is ours.
  private volatile @Nullable StatefulConnection<?, ?> connection;

  ConnectionEventLog(AbstractRedisClient client, Failures failures, String endpoint, boolean cluster) {
    this.client = client;
    this.failures = failures;
    this.endpoint = endpoint;
    this.cluster = cluster;
    client.addListener(this);
    // TCP connects and failed reconnects are reported only on the event bus, which does not say whose they are;
    // the state says whether ours is waiting for one.
    this.subscription = client.getResources().eventBus().get().subscribe(this::onEvent);
  }

  /** Names the connection to report on, once it exists. */
  void attach(StatefulConnection<?, ?> connection) {
    this.connection = connection;
  }

  private void onEvent(Event event) {
    if (event instanceof ConnectedEvent && state.compareAndSet(State.DOWN, State.CONNECTED)) {
      log.info("Redis connected: {}", endpoint);
    } else if (cluster && event instanceof ReconnectFailedEvent failed) {
      log.debug("Redis reconnect attempt {} to cluster node {} failed", failed.getAttempt(), failed.remoteAddress());
      failures.reconnectFailed(failed.getCause());
    } else if (event instanceof ReconnectFailedEvent failed && state.get() != State.READY) {
      failures.reconnectFailed(failed.getCause());
      if (outageReported.compareAndSet(false, true)) {
        log.warn("Redis error: reconnect to {} failed ({}); retrying", endpoint, failed.getCause().toString());
      } else {
        log.debug("Redis reconnect attempt {} to {} failed", failed.getAttempt(), endpoint);
      }
    }
  }

  @Override
  public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress remote) {
    if (!isOurs(handler)) {
      return;
    }
    if (cluster) {
      String node = describe(remote);
      nodes.put(handler, node);
      if (nodesDown.remove(node) != null && state.get() != State.CLOSING) {
        log.info("Redis cluster node {} ready again: {}", node, endpoint);
      }
    }
    failures.reconnected();
    State before = state.get();
    if (before != State.CLOSING && before != State.READY && state.compareAndSet(before, State.READY)) {
      outageReported.set(false);
      log.info("Redis ready: {}", endpoint);
    }
  }

  @Override
  public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
    if (!isOurs(handler)) {
      return;
    }
    if (cluster) {
      String node = nodes.get(handler);
      if (node != null && state.get() == State.READY && nodesDown.put(node, Boolean.TRUE) == null) {
        log.warn("Redis cluster node {} connection lost: {}; commands for its slots fail until it or its replica"
            + " serves them, reconnecting", node, endpoint);
      }
    } else if (state.compareAndSet(State.READY, State.DOWN)) {
      log.warn("Redis connection lost: {}; commands fail until it is back, reconnecting", endpoint);
    }
  }

  private static String describe(SocketAddress remote) {
    return remote instanceof InetSocketAddress inet ? inet.getHostString() + ":" + inet.getPort() : remote.toString();
  }

  private boolean isOurs(RedisChannelHandler<?, ?> handler) {
    if (cluster) {
      // Every node connection of the cluster client serves the service, except pub/sub ones a caller opened.
      return !(handler instanceof StatefulRedisPubSubConnection);
    }
    StatefulConnection<?, ?> ours = connection;
    return ours == null || ours == handler;
  }

  /** Marks the disconnect that follows as ours, so it is not reported as a lost connection. */
  void closing() {
    state.set(State.CLOSING);
  }

  /** Stops listening; logs the close if a connection was ever attached. */
  @Override
  public void close() {
    client.removeListener(this);
    subscription.dispose();
    if (connection != null) {
      log.info("Redis connection closed: {}", endpoint);
    }
  }
}
