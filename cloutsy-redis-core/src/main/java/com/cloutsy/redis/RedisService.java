package com.cloutsy.redis;

import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.script.ScriptRunner;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * One Redis connection for a whole service: the seed's {@code RedisService} facade, its lifecycle, and what every
 * capability of this library is built on (the connection, the {@link Keys key layout} and the
 * {@link ScriptRunner script runner}).
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
 * write. Such failures throw {@link RedisUnavailableException}. <b>A command that
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
  private final RedisClient client;
  private final RedisURI uri;
  private volatile @Nullable Connected connected;
  private boolean closed;

  /** The parts that exist only between {@link #start} and {@link #close}. */
  private record Connected(StatefulRedisConnection<String, String> connection, ScriptRunner scripts,
      ConnectionEventLog events, ReadRetry reads) {}

  private RedisService(RedisSettings settings, @Nullable ClientResources sharedResources,
      UnaryOperator<ClientResources.Builder> customizer) {
    if (settings.isCluster()) {
      throw new UnsupportedOperationException("REDIS_CLUSTER_NODES is set, but this release of cloutsy-redis"
          + " connects to a single server or a Sentinel-managed master only");
    }
    this.settings = settings;
    this.keys = Keys.of(settings.keyLayout(), settings.keyPrefix());
    this.endpoint = settings.describeEndpoint();
    this.failures = new Failures(endpoint);
    Duration timeout = settings.commandTimeout();
    Duration slack = timeout.dividedBy(10);
    this.awaitBound = timeout.plus(slack.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : slack);
    this.ownsResources = sharedResources == null;
    this.resources = sharedResources != null ? sharedResources : ClientSetup.resources(settings, customizer);
    this.uri = ClientSetup.redisUri(settings);
    this.client = RedisClient.create(resources);
    client.setOptions(ClientSetup.options(settings));
  }

  /**
   * Configures a service without connecting; call {@link #start()} next. It owns its Lettuce threads and shuts
   * them down on {@link #close()}.
   *
   * @throws UnsupportedOperationException for cluster settings, which this release does not connect to
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
    return create(settings).start();
  }

  /**
   * Connects, waiting at most {@link RedisSettings#connectTimeout()}; does nothing when already started.
   *
   * @return this service
   * @throws RedisUnavailableException if the server cannot be reached or refuses the credentials; the message
   *     names the host and port
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized RedisService start() {
    if (closed) {
      throw new IllegalStateException("RedisService for " + endpoint + " is closed");
    }
    if (connected != null) {
      return this;
    }
    ConnectionEventLog events = new ConnectionEventLog(client, endpoint);
    try {
      StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8, uri);
      events.attach(connection);
      ReadRetry reads = new ReadRetry(connection, settings.maxRetriesPerRequest(), settings.commandTimeout());
      client.addListener(reads);
      connected = new Connected(
          connection, new ScriptRunner(connection.async(), failures::translate), events, reads);
      return this;
    } catch (RedisException unreachable) {
      events.close();
      throw new RedisUnavailableException("Could not connect to Redis at " + endpoint + " within "
          + settings.connectTimeout().toMillis() + " ms: " + unreachable.getMessage(), unreachable);
    }
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
    return mapFailures(async().set(argument(key, "key"), argument(value, "value")).thenApply(ok -> null));
  }

  /** Asynchronous {@link #set(String, String, Duration)}. */
  public CompletionStage<Void> setAsync(String key, String value, Duration ttl) {
    SetArgs expiry = SetArgs.Builder.px(ttlMillis(ttl));
    return mapFailures(
        async().set(argument(key, "key"), argument(value, "value"), expiry).thenApply(ok -> null));
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
    return mapFailures(async().hset(argument(key, "key"), argument(field, "field"), argument(value, "value")));
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
   * @throws IllegalStateException before {@link #start()} or after {@link #close()}
   */
  public StatefulRedisConnection<String, String> connection() {
    return current().connection();
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

  /** The Lettuce client, for opening more connections with this service's options ({@link #redisUri()}). */
  public RedisClient client() {
    return client;
  }

  /** The address this service connects to, with credentials and timeouts; treat it as a secret. */
  public RedisURI redisUri() {
    return uri;
  }

  /**
   * Opens a new publish/subscribe connection to the same server, the seed's {@code getClient().duplicate()}.
   * The caller owns it and closes it. Lettuce resubscribes its channels after a reconnect.
   */
  public StatefulRedisPubSubConnection<String, String> connectPubSub() {
    current();
    return client.connectPubSub(StringCodec.UTF8, uri);
  }

  /** Runs this library's Lua scripts: EVALSHA, falling back to EVAL after a script cache flush. */
  public ScriptRunner scripts() {
    return current().scripts();
  }

  /** The key layout and prefix from the settings. */
  public Keys keys() {
    return keys;
  }

  /** The settings this service was created with. */
  public RedisSettings settings() {
    return settings;
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
    if (current != null) {
      current.events().closing();
      client.removeListener(current.reads());
      current.connection().close();
      current.events().close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    if (ownsResources) {
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return "RedisService[" + endpoint + (isConnected() ? ", connected" : ", not connected") + "]";
  }

  /** A read-only command, sent again after a reconnect as {@link RedisSettings#maxRetriesPerRequest()} allows. */
  private <T> CompletionStage<T> read(Function<RedisAsyncCommands<String, String>, CompletionStage<T>> command) {
    Connected current = current();
    RedisAsyncCommands<String, String> commands = current.connection().async();
    return mapFailures(current.reads().read(() -> command.apply(commands)));
  }

  private RedisAsyncCommands<String, String> async() {
    return current().connection().async();
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
