package com.cloutsy.redis;

import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.script.ScriptRunner;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * One Redis connection for a whole service: the seed's {@code RedisService} facade, its lifecycle, and what every
 * capability of this library is built on (the connection, the {@link Keys key layout} and the
 * {@link ScriptRunner script runner}).
 *
 * <p>Topologies: a single server, a Sentinel-managed master (reads and writes go to the master; after a failover the
 * reconnect asks the sentinels for the new one, and the service reconnects on its own when the sentinels announce a
 * new master or a command answers READONLY, so a failover that dropped no connection is followed too), or a Redis
 * Cluster when {@link RedisSettings#clusterNodes()} is set: then one cluster connection routes every command to the
 * master of its key's slot, follows MOVED and ASK, and refreshes the topology when nodes fail and periodically. The
 * commands and scripts of {@link #runtime()} are the same in all three, so capabilities run unchanged;
 * {@link #connection()} exists only for a single server or Sentinel and {@link #clusterConnection()} only for a
 * cluster.
 *
 * <p>Lifecycle: {@link #create} configures, {@link #start} connects (the seed's {@code onModuleInit}),
 * {@link #close} releases the connection and threads (the seed's {@code onModuleDestroy}). Between them the
 * instance is thread-safe: all callers share one multiplexed connection, which is how Lettuce is fastest.
 *
 * <p>Failure behaviour, chosen over Lettuce's defaults: while disconnected a command fails at once (no offline
 * queue); every command is bounded by {@link RedisSettings#commandTimeout()}; reconnecting is automatic, with
 * delays from {@link RedisSettings#retryDelayOnFailover()} up to about a second. Commands in flight when the
 * connection drops fail; of them, only the facade's reads ({@code get}, {@code exists}, {@code hget}) are sent again
 * once it is back, as {@link RedisSettings#maxRetriesPerRequest()} allows and within the command timeout, never a
 * write. Such failures throw {@link RedisUnavailableException}; a refusal of the credentials or of an ACL right
 * (WRONGPASS, NOAUTH, NOPERM, also on a reconnect) throws {@link RedisMisconfigurationException}. <b>A command that
 * timed out is not cancelled on the server</b>: it may still run after the caller saw the timeout, so the outcome
 * of a timed-out write is unknown.
 *
 * <pre>{@code
 * try (RedisService redis = RedisService.start(RedisSettings.fromEnvironment())) {
 *   redis.set("config:features", "{\"otp\":true}", Duration.ofHours(1));
 *   String features = redis.get("config:features");
 * }
 * }</pre>
 */
public final class RedisService implements AutoCloseable {

  private final RedisSettings settings;
  private final Keys keys;
  private final String endpoint;
  private final Failures failures;
  private final FeatureCounters counters = new FeatureCounters();
  private final ClientResources resources;
  private final boolean ownsResources;
  private final @Nullable RedisClient client;
  private final @Nullable RedisClusterClient clusterClient;
  private final RedisURI uri;
  private final RedisRuntime runtime;
  private volatile @Nullable Connected connected;
  private volatile @Nullable ConnectRetry connecting;
  private @Nullable ConnectionEventLog events;
  private boolean closed;

  private RedisService(RedisSettings settings, @Nullable ClientResources sharedResources,
      UnaryOperator<ClientResources.Builder> customizer) {
    this.settings = settings;
    this.keys = Keys.of(settings.keyLayout(), settings.keyPrefix());
    this.endpoint = settings.describeEndpoint();
    this.failures = new Failures(endpoint, ClientSetup.username(settings), ClientSetup.credentialSettings(settings),
        this::readOnlyAnswered);
    this.runtime = new RedisRuntime(settings, endpoint, failures, counters, keys, this::current);
    this.ownsResources = sharedResources == null;
    this.resources = sharedResources != null ? sharedResources : ClientSetup.resources(settings, customizer);
    if (settings.isCluster()) {
      List<RedisURI> seeds = ClientSetup.clusterUris(settings);
      this.uri = seeds.get(0);
      this.client = null;
      this.clusterClient = RedisClusterClient.create(resources, seeds);
      clusterClient.setOptions(ClientSetup.clusterOptions(settings));
    } else {
      this.uri = ClientSetup.redisUri(settings);
      this.clusterClient = null;
      this.client = RedisClient.create(resources);
      client.setOptions(ClientSetup.options(settings));
    }
  }

  /**
   * Configures a service without connecting; call {@link #start()} next. It owns its Lettuce threads and shuts
   * them down on {@link #close()}.
   */
  public static RedisService create(RedisSettings settings) {
    return new RedisService(argument(settings, "settings"), null, UnaryOperator.identity());
  }

  /**
   * Configures a service whose own Lettuce resources are adjusted by {@code customizer} before they are built,
   * for instance to record command latencies with Micrometer. The reconnect delay is set before the customizer
   * runs, so it may replace it.
   */
  public static RedisService create(RedisSettings settings, UnaryOperator<ClientResources.Builder> customizer) {
    return new RedisService(argument(settings, "settings"), null, argument(customizer, "customizer"));
  }

  /**
   * Configures a service on client resources (event loops, metrics) shared with other Lettuce clients, such as
   * Spring Data Redis. The caller keeps ownership: {@link #close()} does not shut them down, and their reconnect
   * delay is the caller's.
   */
  public static RedisService create(RedisSettings settings, ClientResources sharedResources) {
    return new RedisService(
        argument(settings, "settings"), argument(sharedResources, "sharedResources"), UnaryOperator.identity());
  }

  /** Configures and connects in one step: {@code create(settings).start()}. */
  public static RedisService start(RedisSettings settings) {
    RedisService service = create(settings);
    try {
      return service.start();
    } catch (RuntimeException failed) {
      // The caller never sees this instance, so its Lettuce threads must not outlive the failure.
      service.close();
      throw failed;
    }
  }

  /**
   * Connects, waiting at most {@link RedisSettings#connectTimeout()}; does nothing when already started.
   *
   * <p>With {@link RedisSettings#lazyConnect()} a server that cannot be reached does not fail the start: the service
   * returns disconnected and connects in the background once the server answers (an attempt at least every second
   * or so). Meanwhile its calls fail with {@link RedisUnavailableException} (or {@link RedisMisconfigurationException}
   * when the credentials are refused) giving the reason of the last attempt, each capability applies its failure
   * policy, and {@link #isConnected()} is false.
   *
   * @return this service
   * @throws RedisUnavailableException if the server cannot be reached (unless lazy); the message names the host and
   *     port (or the cluster's seeds)
   * @throws RedisMisconfigurationException if the server refuses the credentials (unless lazy); the message names the
   *     user, never the password
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized RedisService start() {
    if (closed) {
      throw new IllegalStateException("RedisService for " + endpoint + " is closed");
    }
    if (connected != null || connecting != null) {
      return this;
    }
    ConnectionEventLog log = new ConnectionEventLog(owner(), failures, endpoint, clusterClient != null);
    try {
      connected = connect(log);
      events = log;
      return this;
    } catch (RedisException unreachable) {
      RuntimeException failure = connectFailure(unreachable);
      if (!settings.lazyConnect()) {
        log.close();
        throw failure;
      }
      events = log;
      connecting = new ConnectRetry(endpoint, ClientSetup.reconnectDelay(settings), failure, () -> connect(log),
          this::connectFailure, this::adopt);
      return this;
    }
  }

  /** Opens the shared connection (and the durable one, when durability is on); throws when Redis cannot be asked. */
  private Connected connect(ConnectionEventLog log) {
    AbstractRedisClient owner = owner();
    StatefulConnection<String, String> connection;
    RedisClusterAsyncCommands<String, String> async;
    if (clusterClient != null) {
      StatefulRedisClusterConnection<String, String> cluster = clusterClient.connect(StringCodec.UTF8);
      connection = cluster;
      async = cluster.async();
    } else {
      StatefulRedisConnection<String, String> single = standaloneClient().connect(StringCodec.UTF8, uri);
      connection = single;
      async = single.async();
    }
    log.attach(connection);
    ScriptRunner scripts = new ScriptRunner(async, failures::translate);
    Connected.Durable durable = new Connected.Durable(connection, async, scripts);
    if (settings.durability().isEnabled()) {
      try {
        durable = connectDurable();
      } catch (RedisException unreachable) {
        connection.close();
        throw unreachable;
      }
    }
    ReadRetry reads = new ReadRetry(connection, clusterClient != null, settings.maxRetriesPerRequest(),
        settings.commandTimeout());
    owner.addListener(reads);
    MasterFollower follower = null;
    if (clusterClient == null) {
      List<StatefulRedisConnection<String, String>> followed = new ArrayList<>();
      followed.add((StatefulRedisConnection<String, String>) connection);
      if (durable.connection() != connection) {
        followed.add((StatefulRedisConnection<String, String>) durable.connection());
      }
      follower = new MasterFollower(standaloneClient(), uri, endpoint, followed);
    }
    return new Connected(connection, async, scripts, log, reads, durable, follower);
  }

  /** Takes the connection a lazy start made in the background; false, having closed it, when closed meanwhile. */
  private synchronized boolean adopt(Connected made) {
    connecting = null;
    if (closed) {
      release(made);
      return false;
    }
    connected = made;
    return true;
  }

  private Connected.Durable connectDurable() {
    if (clusterClient != null) {
      StatefulRedisClusterConnection<String, String> cluster = clusterClient.connect(StringCodec.UTF8);
      return new Connected.Durable(cluster, cluster.async(), new ScriptRunner(cluster.async(), failures::translate));
    }
    StatefulRedisConnection<String, String> single = standaloneClient().connect(StringCodec.UTF8, uri);
    return new Connected.Durable(single, single.async(), new ScriptRunner(single.async(), failures::translate));
  }

  /** Whether this service talks to a Redis Cluster ({@link RedisSettings#isCluster()}). */
  public boolean isCluster() {
    return clusterClient != null;
  }

  /**
   * Whether {@link #start()} succeeded and the connection is currently up (it may drop and come back); false while a
   * lazy start is still connecting.
   */
  public boolean isConnected() {
    Connected current = connected;
    return current != null && current.connection().isOpen();
  }

  // ---- the seed's facade, asynchronous ----

  /** Asynchronous {@link #get}. */
  public CompletionStage<@Nullable String> getAsync(String key) {
    argument(key, "key");
    return runtime.read(commands -> commands.get(key));
  }

  /** Asynchronous {@link #set(String, String)}. */
  public CompletionStage<Void> setAsync(String key, String value) {
    checkValueSize("value", argument(value, "value"));
    argument(key, "key");
    return runtime.send(commands -> commands.set(key, value)).thenApply(ok -> null);
  }

  /** Asynchronous {@link #set(String, String, Duration)}. */
  public CompletionStage<Void> setAsync(String key, String value, Duration ttl) {
    SetArgs expiry = SetArgs.Builder.px(ttlMillis(ttl));
    checkValueSize("value", argument(value, "value"));
    argument(key, "key");
    return runtime.send(commands -> commands.set(key, value, expiry)).thenApply(ok -> null);
  }

  /** Asynchronous {@link #del}. */
  public CompletionStage<Long> delAsync(String... keys) {
    keyList(keys);
    return runtime.send(commands -> commands.del(keys));
  }

  /** Asynchronous {@link #exists}. */
  public CompletionStage<Long> existsAsync(String... keys) {
    keyList(keys);
    return runtime.read(commands -> commands.exists(keys));
  }

  /** Asynchronous {@link #hget}. */
  public CompletionStage<@Nullable String> hgetAsync(String key, String field) {
    argument(key, "key");
    argument(field, "field");
    return runtime.read(commands -> commands.hget(key, field));
  }

  /** Asynchronous {@link #hset}. */
  public CompletionStage<Boolean> hsetAsync(String key, String field, String value) {
    checkValueSize("value", argument(value, "value"));
    argument(key, "key");
    argument(field, "field");
    return runtime.send(commands -> commands.hset(key, field, value));
  }

  /** Asynchronous {@link #hdel}. */
  public CompletionStage<Long> hdelAsync(String key, String... fields) {
    argument(fields, "fields");
    if (fields.length == 0) {
      throw new IllegalArgumentException("fields must name at least one field");
    }
    for (String field : fields) {
      argument(field, "field");
    }
    argument(key, "key");
    return runtime.send(commands -> commands.hdel(key, fields));
  }

  /** Asynchronous {@link #ping}. */
  public CompletionStage<Duration> pingAsync() {
    long started = System.nanoTime();
    return runtime.send(commands -> commands.ping()).thenApply(pong -> Duration.ofNanos(System.nanoTime() - started));
  }

  // ---- the seed's facade, blocking ----

  /** The string at {@code key}, or null when there is none. One round trip. */
  public @Nullable String get(String key) {
    return runtime.await(getAsync(key));
  }

  /** Stores {@code value} at {@code key} without expiry, replacing any value and TTL. One round trip. */
  public void set(String key, String value) {
    runtime.await(setAsync(key, value));
  }

  /**
   * Stores {@code value} at {@code key} for {@code ttl} (millisecond precision), atomically with its expiry.
   *
   * @throws IllegalArgumentException if ttl is zero, negative or under a millisecond: a key that expires at once
   *     is almost always a bug, and Redis would reject it
   */
  public void set(String key, String value, Duration ttl) {
    runtime.await(setAsync(key, value, ttl));
  }

  /** Deletes the keys; returns how many existed. One round trip. */
  public long del(String... keys) {
    return runtime.await(delAsync(keys));
  }

  /** Counts how many of the keys exist (a key named twice counts twice, as in Redis). One round trip. */
  public long exists(String... keys) {
    return runtime.await(existsAsync(keys));
  }

  /** The value of {@code field} in the hash at {@code key}, or null. One round trip. */
  public @Nullable String hget(String key, String field) {
    return runtime.await(hgetAsync(key, field));
  }

  /** Sets {@code field} in the hash at {@code key}; true when the field is new, false when it was updated. */
  public boolean hset(String key, String field, String value) {
    return runtime.await(hsetAsync(key, field, value));
  }

  /** Removes fields from the hash at {@code key}; returns how many existed. One round trip. */
  public long hdel(String key, String... fields) {
    return runtime.await(hdelAsync(key, fields));
  }

  /**
   * Sends PING and returns the round-trip time.
   *
   * @throws RedisUnavailableException when Redis does not answer within the command timeout
   */
  public Duration ping() {
    return runtime.await(pingAsync());
  }

  // ---- what the capabilities and advanced callers build on ----

  /**
   * The Lettuce connection, the seed's {@code getClient()}: for MULTI, pipelines, sets and any other command.
   * It is shared by every caller, so do not change its state (no {@code SELECT}, no {@code setAutoFlushCommands}
   * on it, no blocking commands): for those open a connection of your own from {@link #client()}. Classic MULTI on
   * a shared connection interleaves with other threads' commands; prefer a Lua script.
   *
   * <p>A single server or Sentinel only. A Redis Cluster has no one connection to hand out: code meant for both
   * uses {@link #runtime()} (routed by key), code meant for a cluster {@link #clusterConnection()}.
   *
   * @throws IllegalStateException before {@link #start()}, after {@link #close()}, or in cluster mode
   */
  public StatefulRedisConnection<String, String> connection() {
    StatefulConnection<String, String> connection = current().connection();
    if (clusterClient != null) {
      throw new IllegalStateException("RedisService for " + endpoint + " is in cluster mode (REDIS_CLUSTER_NODES):"
          + " it has no single-server connection; use runtime().commands() for commands routed by key, or"
          + " clusterConnection()");
    }
    return (StatefulRedisConnection<String, String>) connection;
  }

  /**
   * The Redis Cluster connection, the cluster's {@code getClient()}: commands routed by key slot, multi-key commands
   * split per slot, and per-node access ({@code getConnection(host, port)}, {@code async().upstream()}). Shared by
   * every caller, like {@link #connection()}.
   *
   * @throws IllegalStateException before {@link #start()}, after {@link #close()}, or when not in cluster mode
   */
  public StatefulRedisClusterConnection<String, String> clusterConnection() {
    StatefulConnection<String, String> connection = current().connection();
    if (clusterClient == null) {
      throw new IllegalStateException("RedisService for " + endpoint + " is not in cluster mode; use connection()");
    }
    return (StatefulRedisClusterConnection<String, String>) connection;
  }

  /**
   * What the capabilities of this library are built on: sending commands, retried reads, scripts, durable writes
   * and waiting, with one failure mapping. This library's service-provider interface; applications use the
   * capabilities and this facade.
   */
  public RedisRuntime runtime() {
    return runtime;
  }

  /**
   * The Lettuce client, for opening more connections with this service's options ({@link #redisUri()}).
   *
   * @throws IllegalStateException in cluster mode: use {@link #clusterClient()}
   */
  public RedisClient client() {
    return standaloneClient();
  }

  /**
   * The Lettuce cluster client, for opening more cluster connections with this service's options.
   *
   * @throws IllegalStateException when not in cluster mode: use {@link #client()}
   */
  public RedisClusterClient clusterClient() {
    if (clusterClient == null) {
      throw new IllegalStateException("RedisService for " + endpoint + " is not in cluster mode; use client()");
    }
    return clusterClient;
  }

  /** Lettuce's threads, event bus and metrics of this service's client, in every mode. */
  public ClientResources resources() {
    return resources;
  }

  /**
   * The address this service connects to, with credentials and timeouts; treat it as a secret. In cluster mode the
   * first seed node's.
   */
  public RedisURI redisUri() {
    return uri;
  }

  /**
   * Opens a new publish/subscribe connection to the same server, the seed's {@code getClient().duplicate()}.
   * The caller owns it and closes it. Lettuce resubscribes its channels after a reconnect. In cluster mode it is a
   * cluster pub/sub connection: Redis Cluster forwards every PUBLISH to all nodes, so subscribing on one node
   * receives them all, and after that node fails the connection reconnects to another and subscribes again.
   */
  public StatefulRedisPubSubConnection<String, String> connectPubSub() {
    current();
    return clusterClient != null
        ? clusterClient.connectPubSub(StringCodec.UTF8)
        : standaloneClient().connectPubSub(StringCodec.UTF8, uri);
  }

  /** Runs this library's Lua scripts: EVALSHA, falling back to EVAL after a script cache flush. */
  public ScriptRunner scripts() {
    return current().scripts();
  }

  /** The names of this library's keys: the key layout and prefix of the settings. */
  public Keys keyNames() {
    return keys;
  }

  /** The settings this service was created with. */
  public RedisSettings settings() {
    return settings;
  }

  private void checkValueSize(String what, String value) {
    // A char is at most three UTF-8 bytes, so only a value near the limit needs counting.
    if ((long) value.length() * 3 > settings.maxValueBytes()) {
      runtime.checkValueSize(what, value.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  /**
   * Closes the connection and, unless they were shared, Lettuce's threads; idempotent. Commands still in flight
   * fail. The seed's {@code onModuleDestroy}.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    ConnectRetry retry = connecting;
    connecting = null;
    if (retry != null) {
      retry.close();
    }
    Connected current = connected;
    connected = null;
    if (current != null) {
      release(current);
    } else if (events != null) {
      events.close();
    }
    AbstractRedisClient owner = owner();
    owner.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    if (ownsResources) {
      // Not awaited: close returns once the connections are closed, and the event loops wind down on their own.
      Future<Boolean> unused = resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return "RedisService[" + endpoint + (isConnected() ? ", connected" : ", not connected") + "]";
  }

  private void release(Connected current) {
    MasterFollower follower = current.follower();
    if (follower != null) {
      follower.close();
    }
    current.events().closing();
    owner().removeListener(current.reads());
    if (current.durable().connection() != current.connection()) {
      current.durable().connection().close();
    }
    current.connection().close();
    current.events().close();
  }

  private AbstractRedisClient owner() {
    return clusterClient != null ? clusterClient : standaloneClient();
  }

  private RedisClient standaloneClient() {
    if (client == null) {
      throw new IllegalStateException("RedisService for " + endpoint + " is in cluster mode (REDIS_CLUSTER_NODES):"
          + " use clusterClient()");
    }
    return client;
  }

  /**
   * The start-up failure a caller should see. Refused credentials are a misconfiguration that names the user (never
   * the password), so a wrong REDIS_PASSWORD is not mistaken for a network problem.
   */
  private RuntimeException connectFailure(RedisException unreachable) {
    failures.reconnectFailed(unreachable);
    for (Throwable cause = unreachable; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof SSLException) {
        return new RedisUnavailableException("TLS handshake with Redis at " + endpoint + " failed: "
            + cause.getMessage() + "; check REDIS_TLS_CA_FILE (the CA that signed the server certificate), that the"
            + " certificate names the host connected to, and that the port speaks TLS", unreachable);
      }
    }
    Optional<String> refusal = ServerError.credentialRefusal(unreachable);
    if (refusal.isPresent()) {
      return new RedisMisconfigurationException("Redis at " + endpoint + " refused the credentials of user \""
          + ClientSetup.username(settings) + "\" (" + refusal.get() + "); check "
          + ClientSetup.credentialSettings(settings), unreachable);
    }
    return new RedisUnavailableException("Could not connect to Redis at " + endpoint + " within "
        + settings.connectTimeout().toMillis() + " ms: " + unreachable.getMessage(), unreachable);
  }

  /** A command was refused with READONLY: look for the master again (see {@link MasterFollower}). */
  private void readOnlyAnswered() {
    Connected current = connected;
    MasterFollower follower = current == null ? null : current.follower();
    if (follower != null) {
      follower.readOnlyAnswered();
    }
  }

  private Connected current() {
    Connected current = connected;
    if (current == null) {
      ConnectRetry retry = connecting;
      if (retry != null) {
        throw retry.notConnected();
      }
      throw new IllegalStateException(closed
          ? "RedisService for " + endpoint + " is closed"
          : "RedisService for " + endpoint + " is not started: call start() first");
    }
    return current;
  }

  private static long ttlMillis(Duration ttl) {
    argument(ttl, "ttl");
    if (ttl.isNegative() || ttl.toMillis() < 1) {
      throw new IllegalArgumentException("ttl must be at least 1 ms, was " + ttl);
    }
    return ttl.toMillis();
  }

  private static String[] keyList(String[] keys) {
    argument(keys, "keys");
    if (keys.length == 0) {
      throw new IllegalArgumentException("keys must name at least one key");
    }
    for (String key : keys) {
      argument(key, "key");
    }
    return keys;
  }

  private static <T> T argument(@Nullable T value, String name) {
    return Objects.requireNonNull(value, () -> name + " must not be null");
  }
}
