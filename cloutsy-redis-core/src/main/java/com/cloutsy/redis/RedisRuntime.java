package com.cloutsy.redis;

import com.cloutsy.redis.config.Durability;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.script.LuaScript;
import com.cloutsy.redis.script.Reply;
import com.cloutsy.redis.script.ScriptRunner;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What the capabilities of this library are built on: one way to send a command, retry a read, run a script, make a
 * write durable and wait for a result, each with the failure mapping of {@link ServerError} applied. Obtain it from
 * {@link RedisService#runtime()}.
 *
 * <p>This is the library's service-provider interface, for code that builds a capability of its own on a
 * {@link RedisService} the way sessions, OTP and the rate limiter are built; an application uses the capabilities
 * and {@link RedisService}'s facade. Every stage it returns fails with {@link RedisUnavailableException} when Redis
 * could not be asked, {@link RedisMisconfigurationException} when it refused the credentials or a right, and with
 * the command's own error otherwise (a bug). In Redis Cluster, a command or script that the server refused because
 * its slot is being migrated ({@code TRYAGAIN}, or a {@code MOVED}/{@code ASK} left after Lettuce's own redirects) did
 * not run; {@link #send}, {@link #read} and {@link #run} send it again after a short pause, within the command
 * timeout counted from the first send, so a migration is invisible to callers unless it outlasts that. Thread-safe.
 */
public final class RedisRuntime {

  private final RedisSettings settings;
  private final String endpoint;
  private final Failures failures;
  private final FeatureCounters counters;
  private final Keys keys;
  private final Duration awaitBound;
  private final MigrationRetry migration;
  private final @Nullable RequestGate gate;
  private final Supplier<Connected> connected;

  RedisRuntime(RedisSettings settings, String endpoint, Failures failures, FeatureCounters counters, Keys keys,
      Supplier<Connected> connected) {
    this.settings = settings;
    this.keys = keys;
    this.endpoint = endpoint;
    this.failures = failures;
    this.counters = counters;
    this.connected = connected;
    Duration timeout = settings.commandTimeout();
    Duration slack = timeout.dividedBy(10);
    this.awaitBound = timeout.plus(slack.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : slack);
    this.migration = new MigrationRetry(timeout, settings.isCluster());
    this.gate = settings.isCluster() ? null : new RequestGate(settings.requestQueueSize(), endpoint);
  }

  /**
   * The asynchronous commands of the shared connection, for what {@link #send} does not cover: an iterator that
   * sends commands of its own ({@code ScanIterator}), a probe that reads failures itself. Their stages fail as
   * Lettuce reports; pass them through {@link #mapFailures}.
   *
   * @throws IllegalStateException before the service is started or after it is closed
   * @throws RedisUnavailableException while a lazily started service is still connecting
   */
  public RedisClusterAsyncCommands<String, String> commands() {
    return connected.get().async();
  }

  /**
   * Sends a command on the shared connection. Lettuce may refuse a command synchronously (disconnected, closed): that
   * becomes a failed stage too, so callers handle every failure in one place.
   *
   * @param command what to send, on the commands a single server and a Redis Cluster have in common
   * @throws IllegalStateException before the service is started or after it is closed
   */
  public <T> CompletionStage<T> send(Function<RedisClusterAsyncCommands<String, String>, CompletionStage<T>> command) {
    return withConnection(current -> mapFailures(gated(() -> migration.send(() -> command.apply(current.async())))));
  }

  /**
   * Sends a read-only command that is sent again after a reconnect, as {@link RedisSettings#maxRetriesPerRequest()}
   * allows and within the command timeout; never use it for a write, which would then run twice.
   *
   * @throws IllegalStateException before the service is started or after it is closed
   */
  public <T> CompletionStage<T> read(Function<RedisClusterAsyncCommands<String, String>, CompletionStage<T>> command) {
    return withConnection(current -> mapFailures(gated(() -> migration.send(
        () -> current.reads().read(() -> command.apply(current.async()))))));
  }

  /**
   * Runs a script on the shared connection (EVALSHA, EVAL after a script cache flush) and returns its reply.
   *
   * @param keys the keys it touches, in the order its header gives; in cluster mode all in one slot
   * @throws IllegalStateException before the service is started or after it is closed
   */
  public CompletionStage<Reply> run(LuaScript script, String[] keys, String... args) {
    return withConnection(current -> gated(() -> run(current.scripts(), script, keys, args)));
  }

  /** The shared connection's calls, bounded by the request queue size where {@link RequestGate} says. */
  private <T> CompletionStage<T> gated(Supplier<? extends CompletionStage<T>> call) {
    return gate == null ? call.get() : gate.send(call);
  }

  /**
   * {@link #run} on the durable connection: for a write that {@link #awaitReplicas(String)} confirms next. It is the
   * shared connection when durability is off.
   */
  public CompletionStage<Reply> runDurable(LuaScript script, String[] keys, String... args) {
    return withConnection(current -> run(current.durable().scripts(), script, keys, args));
  }

  private CompletionStage<Reply> run(ScriptRunner runner, LuaScript script, String[] keys, String... args) {
    return migration.send(() -> runner.<Object>run(script, ScriptOutputType.MULTI, keys, args))
        .thenApply(raw -> Reply.of(script.name(), raw));
  }

  /**
   * Sends a command on the durable connection, for a write that {@link #awaitReplicas(String)} confirms next; the
   * shared connection when durability is off.
   */
  public <T> CompletionStage<T> sendDurable(
      Function<RedisClusterAsyncCommands<String, String>, CompletionStage<T>> command) {
    return withConnection(current -> send(current.durable().async(), command));
  }

  /**
   * {@link #send(Function)} on commands of a connection of the caller's own, such as one with a binary codec: the
   * same failure mapping, and a command Lettuce refuses at once becomes a failed stage.
   */
  public <K, V, T> CompletionStage<T> send(RedisClusterAsyncCommands<K, V> commands,
      Function<RedisClusterAsyncCommands<K, V>, ? extends CompletionStage<T>> command) {
    return mapFailures(migration.send(() -> command.apply(commands)));
  }

  /**
   * Waits until {@link RedisSettings#durability()} replicas have every write sent so far through
   * {@link #sendDurable} or {@link #runDurable} to the master of {@code key}'s slot ({@code WAIT}); completes at once,
   * without a round trip, when durability is off. Call it after a durable write, with a key the write touched.
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
  public CompletionStage<Void> awaitReplicas(String key) {
    Objects.requireNonNull(key, "key must not be null");
    Durability durability = settings.durability();
    if (!durability.isEnabled()) {
      // Called for its check alone: before start and after close it throws, as with durability on.
      return withConnection(current -> CompletableFuture.completedFuture(null));
    }
    return awaitReplicas(key, durability.replicas(), durability.timeout()).thenCompose(confirmed ->
        confirmed >= durability.replicas()
            ? CompletableFuture.<Void>completedFuture(null)
            : CompletableFuture.<Void>failedStage(new UnconfirmedWriteException("Only " + confirmed + " of "
                + durability.replicas() + " replicas of Redis at " + endpoint + " confirmed the write within "
                + durability.timeout().toMillis() + " ms; it is on the master and may be lost in a failover",
                confirmed, durability.replicas(),
                new RedisCommandExecutionException("WAIT " + durability.replicas() + " answered " + confirmed))));
  }

  /**
   * Sends {@code WAIT replicas timeout} on the durable connection to {@code key}'s master and returns how many
   * replicas have that connection's writes so far, whatever the settings say.
   *
   * @param key a key the write touched, which picks the node in cluster mode
   * @param replicas how many replicas to wait for, at least 1
   * @param timeout how long the server may block, at least a millisecond and less than the command timeout
   */
  public CompletionStage<Long> awaitReplicas(String key, int replicas, Duration timeout) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(timeout, "timeout must not be null");
    if (replicas < 1) {
      throw new IllegalArgumentException("replicas must be >= 1, was " + replicas);
    }
    if (timeout.toMillis() < 1 || timeout.compareTo(settings.commandTimeout()) >= 0) {
      throw new IllegalArgumentException("timeout must be 1 ms or more and less than the command timeout "
          + settings.commandTimeout().toMillis() + " ms, was " + timeout);
    }
    Connected current;
    try {
      current = connected.get();
    } catch (RedisUnavailableException | RedisMisconfigurationException notConnectedYet) {
      return CompletableFuture.failedStage(notConnectedYet);
    }
    StatefulConnection<String, String> durable = current.durable().connection();
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

  /**
   * Runs {@code use} on the connection; while a lazily started service is still connecting, a stage failed with the
   * reason instead, so that callers meet it where they meet every other outage.
   */
  private <T> CompletionStage<T> withConnection(Function<Connected, CompletionStage<T>> use) {
    Connected current;
    try {
      current = connected.get();
    } catch (RedisUnavailableException | RedisMisconfigurationException notConnectedYet) {
      return CompletableFuture.failedStage(notConnectedYet);
    }
    return use.apply(current);
  }

  /**
   * Waits for a stage of this runtime (or of a capability built on it) within the command timeout plus a small
   * margin, and returns its value: the blocking form of every asynchronous method.
   *
   * @throws RedisUnavailableException when Redis could not be asked or did not answer in time
   * @throws RedisMisconfigurationException when Redis refused the credentials or a right
   */
  public <T> T await(CompletionStage<T> stage) {
    return await(stage, awaitBound);
  }

  /** {@link #await(CompletionStage)} for at most {@code bound}, which may be shorter than the command timeout. */
  public <T> T await(CompletionStage<T> stage, Duration bound) {
    try {
      return stage.toCompletableFuture().get(bound.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException failed) {
      throw failures.translate(failed);
    } catch (TimeoutException late) {
      throw new RedisUnavailableException(
          "Redis at " + endpoint + " did not answer within " + bound.toMillis() + " ms", late);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new RedisUnavailableException("Interrupted while waiting for Redis at " + endpoint, interrupted);
    }
  }

  /**
   * The same stage, with Lettuce's connection and timeout failures replaced by {@link RedisUnavailableException} and
   * refusals of the credentials or rights by {@link RedisMisconfigurationException}; error replies that mean a bug
   * (a wrong-type key, a script error) pass through unchanged. For stages of Lettuce that {@link #send} does not
   * make, such as those of a connection a capability opened itself.
   */
  public <T> CompletionStage<T> mapFailures(CompletionStage<T> stage) {
    return stage.exceptionallyCompose(failure -> CompletableFuture.failedStage(failures.translate(failure)));
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

  /** Counts of what the capabilities built on this runtime did, for metrics and the operations page. */
  public FeatureCounters counters() {
    return counters;
  }

  /** The names of this library's keys: the key layout and prefix of the settings. */
  public Keys keyNames() {
    return keys;
  }

  /** The settings of the service. */
  public RedisSettings settings() {
    return settings;
  }

  @Override
  public String toString() {
    return "RedisRuntime[" + endpoint + "]";
  }
}
