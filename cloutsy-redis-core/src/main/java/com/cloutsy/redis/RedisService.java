package com.cloutsy.redis;

import com.cloutsy.redis.config.Durability;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.script.ScriptRunner;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * One Redis connection for a whole service: the seed's {@code RedisService} facade, its lifecycle, and what every
 * capability of this library is built on (the connection, the {@link Keys key layout} and the
 * {@link ScriptRunner script runner}).
 *
 * <p>Topologies: a single server, a Sentinel-managed master (reads and writes go to the master; after a failover the
 * reconnect asks the sentinels for the new one), or a Redis Cluster when {@link RedisSettings#clusterNodes()} is set:
 * then one cluster connection routes every command to the master of its key's slot, follows MOVED and ASK, and
 * refreshes the topology when nodes fail and periodically. {@link #commands()} and {@link #scripts()} are the same
 * in all three, so capabilities run unchanged; {@link #connection()} exists only for a single server or Sentinel and
 * {@link #clusterConnection()} only for a cluster.
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
  private final Duration awaitBound;
  private final ClientResources resources;
  private final boolean ownsResources;
  private final @Nullable RedisClient client;
  private final @Nullable RedisClusterClient clusterClient;
  private final RedisURI uri;
  private volatile @Nullable Connected connected;
  private boolean closed;

  /**
   * The parts that exist only between {@link #start} and {@link #close}. {@code connection} is a
   * {@link StatefulRedisConnection} or, in cluster mode, a {@link StatefulRedisClusterConnection}.
   */
  private record Connected(StatefulConnection<String, String> connection,
      RedisClusterAsyncCommands<String, String> async, ScriptRunner scripts, ConnectionEventLog events,
      ReadRetry reads, Durable durable) {}

  /**
   * Where durable writes and their WAIT go: a connection of its own when {@link RedisSettings#durability()} is on,
   * because WAIT blocks the connection it is sent on (every command behind it waits, for up to the WAIT timeout when
   * replicas are missing), and it must be the connection that carried the write. Otherwise the shared connection.
   */
  private record Durable(StatefulConnection<String, String> connection, RedisClusterAsyncCommands<String, String> async,
      ScriptRunner scripts) {}

  private RedisService(RedisSettings settings, @Nullable ClientResources sharedResources,
      UnaryOperator<ClientResources.Builder> customizer) {
    this.settings = settings;
    this.keys = Keys.of(settings.keyLayout(), settings.keyPrefix());
    this.endpoint = settings.describeEndpoint();
    this.failures = new Failures(endpoint, ClientSetup.username(settings), ClientSetup.credentialSettings(settings));
    Duration timeout = settings.commandTimeout();
    Duration slack = timeout.dividedBy(10);
    this.awaitBound = timeout.plus(slack.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : slack);
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
   * @return this service
   * @throws RedisUnavailableException if the server cannot be reached; the message names the host and port (or the
   *     cluster's seeds)
   * @throws RedisMisconfigurationException if the server refuses the credentials; the message names the user, never
   *     the password
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized RedisService start() {
    if (closed) {
      throw new IllegalStateException("RedisService for " + endpoint + " is closed");
    }
    if (connected != null) {
      return this;
    }
    AbstractRedisClient owner = owner();
    ConnectionEventLog events = new ConnectionEventLog(owner, failures, endpoint, clusterClient != null);
    try {
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
      events.attach(connection);
      ScriptRunner scripts = new ScriptRunner(async, failures::translate);
      Durable durable = new Durable(connection, async, scripts);
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
      connected = new Connected(connection, async, scripts, events, reads, durable);
      return this;
    } catch (RedisException unreachable) {
      events.close();
      throw connectFailure(unreachable);
    }
  }

  private Durable connectDurable() {
    if (clusterClient != null) {
      StatefulRedisClusterConnection<String, String> cluster = clusterClient.connect(StringCodec.UTF8);
      return new Durable(cluster, cluster.async(), new ScriptRunner(cluster.async(), failures::translate));
    }
    StatefulRedisConnection<String, String> single = standaloneClient().connect(StringCodec.UTF8, uri);
    return new Durable(single, single.async(), new ScriptRunner(single.async(), failures::translate));
  }

  /** Whether this service talks to a Redis Cluster ({@link RedisSettings#isCluster()}). */
  public boolean isCluster() {
    return clusterClient != null;
  }

  /** Whether {@link #start()} succeeded and the connection is currently up (it may drop and come back). */
  public boolean isConnected() {
    Connected current = connected;
    return current != null && current.connection().isOpen();
  }

  // ---- the seed's facade, asynchronous ----

  /** Asynchronous {@link #get}. */
  public CompletionStage<@Nullable String> getAsync(String key) {
    argument(key, "key");
    return read(commands -> commands.get(key));
  }

  /** Asynchronous {@link #set(String, String)}. */
  public CompletionStage<Void> setAsync(String key, String value) {
    checkValueSize("value", argument(value, "value"));
    return mapFailures(async().set(argument(key, "key"), value).thenApply(ok -> null));
  }

  /** Asynchronous {@link #set(String, String, Duration)}. */
  public CompletionStage<Void> setAsync(String key, String value, Duration ttl) {
    SetArgs expiry = SetArgs.Builder.px(ttlMillis(ttl));
    checkValueSize("value", argument(value, "value"));
    return mapFailures(async().set(argument(key, "key"), value, expiry).thenApply(ok -> null));
  }

  /** Asynchronous {@link #del}. */
  public CompletionStage<Long> delAsync(String... keys) {
    return mapFailures(async().del(keyList(keys)));
  }

  /** Asynchronous {@link #exists}. */
  public CompletionStage<Long> existsAsync(String... keys) {
    keyList(keys);
    return read(commands -> commands.exists(keys));
  }

  /** Asynchronous {@link #hget}. */
  public CompletionStage<@Nullable String> hgetAsync(String key, String field) {
    argument(key, "key");
    argument(field, "field");
    return read(commands -> commands.hget(key, field));
  }

  /** Asynchronous {@link #hset}. */
  public CompletionStage<Boolean> hsetAsync(String key, String field, String value) {
    checkValueSize("value", argument(value, "value"));
    return mapFailures(async().hset(argument(key, "key"), argument(field, "field"), value));
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
    return mapFailures(async().hdel(argument(key, "key"), fields));
  }

  /** Asynchronous {@link #ping}. */
  public CompletionStage<Duration> pingAsync() {
    long started = System.nanoTime();
    return mapFailures(async().ping()).thenApply(pong -> Duration.ofNanos(System.nanoTime() - started));
  }

  // ---- the seed's facade, blocking ----

  /** The string at {@code key}, or null when there is none. One round trip. */
  public @Nullable String get(String key) {
    return await(getAsync(key));
  }

  /** Stores {@code value} at {@code key} without expiry, replacing any value and TTL. One round trip. */
  public void set(String key, String value) {
    await(setAsync(key, value));
  }

  /**
   * Stores {@code value} at {@code key} for {@code ttl} (millisecond precision), atomically with its expiry.
   *
   * @throws IllegalArgumentException if ttl is zero, negative or under a millisecond: a key that expires at once
   *     is almost always a bug, and Redis would reject it
   */
  public void set(String key, String value, Duration ttl) {
    await(setAsync(key, value, ttl));
  }

  /** Deletes the keys; returns how many existed. One round trip. */
  public long del(String... keys) {
    return await(delAsync(keys));
  }

  /** Counts how many of the keys exist (a key named twice counts twice, as in Redis). One round trip. */
  public long exists(String... keys) {
    return await(existsAsync(keys));
  }

  /** The value of {@code field} in the hash at {@code key}, or null. One round trip. */
  public @Nullable String hget(String key, String field) {
    return await(hgetAsync(key, field));
  }

  /** Sets {@code field} in the hash at {@code key}; true when the field is new, false when it was updated. */
  public boolean hset(String key, String field, String value) {
    return await(hsetAsync(key, field, value));
  }

  /** Removes fields from the hash at {@code key}; returns how many existed. One round trip. */
  public long hdel(String key, String... fields) {
    return await(hdelAsync(key, fields));
  }

  /**
   * Sends PING and returns the round-trip time.
   *
   * @throws RedisUnavailableException when Redis does not answer within the command timeout
   */
  public Duration ping() {
    return await(pingAsync());
  }

  // ---- what the capabilities and advanced callers build on ----

  /**
   * The Lettuce connection, the seed's {@code getClient()}: for MULTI, pipelines, sets and any other command.
   * It is shared by every caller, so do not change its state (no {@code SELECT}, no {@code setAutoFlushCommands}
   * on it, no blocking commands): for those open a connection of your own from {@link #client()}. Classic MULTI on
   * a shared connection interleaves with other threads' commands; prefer a Lua script.
   *
   * <p>A single server or Sentinel only. A Redis Cluster has no one connection to hand out: code meant for both
   * uses {@link #commands()} (routed by key), code meant for a cluster {@link #clusterConnection()}.
   *
   * @throws IllegalStateException before {@link #start()}, after {@link #close()}, or in cluster mode
   */
  public StatefulRedisConnection<String, String> connection() {
    StatefulConnection<String, String> connection = current().connection();
    if (clusterClient != null) {
      throw new IllegalStateException("RedisService for " + endpoint + " is in cluster mode (REDIS_CLUSTER_NODES):"
          + " it has no single-server connection; use commands() for commands routed by key, or clusterConnection()");
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
   * The asynchronous commands of the shared connection, typed to what a single server and a Redis Cluster
   * connection have in common: capabilities use only these, so they run unchanged on either. Results arrive as
   * Lettuce reports them; pass them through {@link #mapFailures} or {@link #await}.
   *
   * @throws IllegalStateException before {@link #start()} or after {@link #close()}
   */
  public RedisClusterAsyncCommands<String, String> commands() {
    return async();
  }

  /** Counts of what the capabilities built on this service did, for metrics and the operations page. */
  public FeatureCounters counters() {
    return counters;
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

  /**
   * The commands for writes that must survive a failover: send the write here, then {@link #awaitReplicasAsync}
   * with a key it touched. Typed like {@link #commands()}. With {@link RedisSettings#durability()} on it is a
   * connection of its own, opened by {@link #start()}, because WAIT blocks the connection it runs on and must run on
   * the one that carried the write: a slow WAIT then holds up only other durable writes, never the service's other
   * commands. With durability off it is the shared connection.
   *
   * @throws IllegalStateException before {@link #start()} or after {@link #close()}
   */
  public RedisClusterAsyncCommands<String, String> durableCommands() {
    return current().durable().async();
  }

  /** Runs Lua scripts on the {@link #durableCommands() durable connection}, for flows whose writes must be confirmed. */
  public ScriptRunner durableScripts() {
    return current().durable().scripts();
  }

  /**
   * Waits until {@link RedisSettings#durability()} replicas have every write sent so far through
   * {@link #durableCommands()} or {@link #durableScripts()} to the master of {@code key}'s slot ({@code WAIT});
   * completes at once, without a round trip, when durability is off. Call it after a durable write, with a key the
   * write touched.
   *
   * <p>One round trip that blocks the durable connection on the server until the replicas confirm (about one
   * replica round trip) or the durability timeout passes (when replicas are missing or lagging). A write confirmed
   * this way survives the failure of its master as long as a confirming replica is promoted, which Sentinel and
   * Cluster prefer; it is not a transaction: the write itself is done even when the stage fails.
   *
   * @return a stage that fails with {@link UnconfirmedWriteException} when fewer replicas confirmed in time (the write
   *     is on the master and may be lost if the master fails now), with {@link RedisUnavailableException} when Redis
   *     could not be asked
   */
  public CompletionStage<Void> awaitReplicasAsync(String key) {
    argument(key, "key");
    Durability durability = settings.durability();
    if (!durability.isEnabled()) {
      current();
      return CompletableFuture.completedFuture(null);
    }
    return awaitReplicasAsync(key, durability.replicas(), durability.timeout()).thenCompose(confirmed ->
        confirmed >= durability.replicas()
            ? CompletableFuture.<Void>completedFuture(null)
            : CompletableFuture.<Void>failedStage(new UnconfirmedWriteException("Only " + confirmed + " of "
                + durability.replicas() + " replicas of Redis at " + endpoint + " confirmed the write within "
                + durability.timeout().toMillis() + " ms; it is on the master and may be lost in a failover",
                confirmed, durability.replicas(),
                new RedisCommandExecutionException("WAIT " + durability.replicas() + " answered " + confirmed))));
  }

  /** Blocking {@link #awaitReplicasAsync(String)}. */
  public void awaitReplicas(String key) {
    await(awaitReplicasAsync(key));
  }

  /**
   * Sends {@code WAIT replicas timeout} on the durable connection to {@code key}'s master and returns how many
   * replicas have that connection's writes so far, whatever the settings say.
   *
   * @param key a key the write touched, which picks the node in cluster mode
   * @param replicas how many replicas to wait for, at least 1
   * @param timeout how long the server may block, at least a millisecond and less than the command timeout
   */
  public CompletionStage<Long> awaitReplicasAsync(String key, int replicas, Duration timeout) {
    argument(key, "key");
    argument(timeout, "timeout");
    if (replicas < 1) {
      throw new IllegalArgumentException("replicas must be >= 1, was " + replicas);
    }
    if (timeout.toMillis() < 1 || timeout.compareTo(settings.commandTimeout()) >= 0) {
      throw new IllegalArgumentException("timeout must be 1 ms or more and less than the command timeout "
          + settings.commandTimeout().toMillis() + " ms, was " + timeout);
    }
    StatefulConnection<String, String> durable = current().durable().connection();
    if (!(durable instanceof StatefulRedisClusterConnection<String, String> cluster)) {
      return mapFailures(((StatefulRedisConnection<String, String>) durable).async()
          .waitForReplication(replicas, timeout.toMillis()));
    }
    RedisClusterNode master = cluster.getPartitions().getPartitionBySlot(SlotHash.getSlot(key));
    if (master == null) {
      return CompletableFuture.failedStage(new RedisUnavailableException("No master of Redis Cluster " + endpoint
          + " serves the slot of the key", new RedisException("no node for slot " + SlotHash.getSlot(key))));
    }
    // The routed writes to that master use this very connection (Lettuce keys them by host and port).
    RedisURI node = master.getUri();
    return mapFailures(cluster.getConnectionAsync(node.getHost(), node.getPort())
        .thenCompose(connection -> connection.async().waitForReplication(replicas, timeout.toMillis())));
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

  /**
   * Refuses a value above {@link RedisSettings#maxValueBytes()} before anything is sent: the check every capability
   * makes on what it is about to write, so an oversized value is never half-written.
   *
   * @param what what the value is, for the message ({@code "session value"})
   * @param bytes the value's size in bytes
   * @throws ValueTooLargeException naming {@code what}, its size and the limit
   */
  public void checkValueSize(String what, long bytes) {
    if (bytes > settings.maxValueBytes()) {
      throw new ValueTooLargeException(what + " is " + bytes + " bytes, above the limit of "
          + settings.maxValueBytes() + " (REDIS_MAX_VALUE_BYTES)");
    }
  }

  private void checkValueSize(String what, String value) {
    // A char is at most three UTF-8 bytes, so only a value near the limit needs counting.
    if ((long) value.length() * 3 > settings.maxValueBytes()) {
      checkValueSize(what, value.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  /**
   * The failure a stage of this service failed with, taken out of the {@code CompletionException} and
   * {@code ExecutionException} wrappers that {@code CompletableFuture} puts around it.
   */
  public static Throwable unwrap(Throwable failure) {
    return Failures.unwrap(failure);
  }

  /**
   * Waits for a stage of this service (or of a capability built on it) within the command timeout plus a small
   * margin, and returns its value: the blocking form of every asynchronous method.
   *
   * @throws RedisUnavailableException when Redis could not be asked or did not answer in time
   */
  public <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(awaitBound.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException failed) {
      throw failures.translate(failed);
    } catch (TimeoutException late) {
      throw new RedisUnavailableException(
          "Redis at " + endpoint + " did not answer within " + awaitBound.toMillis() + " ms", late);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new RedisUnavailableException("Interrupted while waiting for Redis at " + endpoint, interrupted);
    }
  }

  /**
   * The same stage, with Lettuce's connection and timeout failures replaced by {@link RedisUnavailableException};
   * error replies that mean a bug (a wrong-type key, a script error) pass through unchanged.
   */
  public <T> CompletionStage<T> mapFailures(CompletionStage<T> stage) {
    return stage.exceptionallyCompose(failure -> CompletableFuture.failedStage(failures.translate(failure)));
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
    Connected current = connected;
    connected = null;
    AbstractRedisClient owner = owner();
    if (current != null) {
      current.events().closing();
      owner.removeListener(current.reads());
      if (current.durable().connection() != current.connection()) {
        current.durable().connection().close();
      }
      current.connection().close();
      current.events().close();
    }
    owner.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    if (ownsResources) {
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return "RedisService[" + endpoint + (isConnected() ? ", connected" : ", not connected") + "]";
  }

  /** A read-only command, sent again after a reconnect as {@link RedisSettings#maxRetriesPerRequest()} allows. */
  private <T> CompletionStage<T> read(
      Function<RedisClusterAsyncCommands<String, String>, CompletionStage<T>> command) {
    Connected current = current();
    RedisClusterAsyncCommands<String, String> commands = current.async();
    return mapFailures(current.reads().read(() -> command.apply(commands)));
  }

  private RedisClusterAsyncCommands<String, String> async() {
    return current().async();
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
    for (Throwable cause = unreachable; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof SSLException) {
        return new RedisUnavailableException("TLS handshake with Redis at " + endpoint + " failed: "
            + cause.getMessage() + "; check REDIS_TLS_CA_FILE (the CA that signed the server certificate), that the"
            + " certificate names the host connected to, and that the port speaks TLS", unreachable);
      }
    }
    String refusal = Failures.credentialRefusal(unreachable);
    if (refusal != null) {
      return new RedisMisconfigurationException("Redis at " + endpoint + " refused the credentials of user \""
          + ClientSetup.username(settings) + "\" (" + refusal + "); check " + ClientSetup.credentialSettings(settings),
          unreachable);
    }
    return new RedisUnavailableException("Could not connect to Redis at " + endpoint + " within "
        + settings.connectTimeout().toMillis() + " ms: " + unreachable.getMessage(), unreachable);
  }

  private Connected current() {
    Connected current = connected;
    if (current == null) {
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
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    return value;
  }
}
