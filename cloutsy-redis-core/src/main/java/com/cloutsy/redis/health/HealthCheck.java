package com.cloutsy.redis.health;

import com.cloutsy.redis.RedisMisconfigurationException;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.ServerError;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.health.HealthReport.Cluster;
import com.cloutsy.redis.health.HealthReport.Reason;
import com.cloutsy.redis.health.HealthReport.Server;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/*
 * Design notes. One check sends PING, INFO and the write/read probe (SET with a short TTL, then GET, on one key
 * per checking instance) at once on the shared connection, so it costs one round trip plus one more for CLUSTER
 * INFO on a cluster node. A service in cluster mode sends CLUSTER INFO to every node of its topology in parallel and
 * keeps the worst view, so a node that lost sight of the others is seen; INFO there comes from whichever node the
 * cluster connection's default route reaches, and its role is not a problem, because the connection routes writes to
 * masters. Every command is bounded by what is left of the policy's timeout, and the result is
 * assembled from whatever came back: a failure is a reason, never an exception. The reasons keep apart the
 * failures that need different fixes, from the server's error prefix (NOPERM, OOM, READONLY, LOADING, ...) or the
 * exception type (TLS, timeout). While the connection is down, commands fail with a generic "not connected", so the
 * check remembers why the last reconnect failed (a changed password, a bad certificate) and reports that instead.
 */

/**
 * Readiness-grade health of the Redis behind a {@link RedisService}: more than PING. It also reads INFO (role,
 * memory, clients, evictions, loading), proves that the server accepts writes with a small write/read probe on
 * {@link com.cloutsy.redis.keys.Keys#health its own key}, and on a cluster reads {@code cluster_state} and slot
 * coverage from every node. See {@link HealthProblem} for what makes a report DOWN or DEGRADED.
 *
 * <pre>{@code
 * HealthCheck check = HealthCheck.create(redis);
 * boolean ready = check.health().isUp();   // the seed's checkHealth()
 * }</pre>
 *
 * <p>Cost: about one round trip (PING, INFO, SET, GET pipelined), two on a cluster (CLUSTER INFO to every node at
 * once); at most
 * {@link HealthPolicy#timeout()} in all. {@link #health()} never throws: an unreachable or refusing server gives a
 * DOWN report with the error text. The probe key ({@code cloutsy:health:<instance>}) expires a minute after the last
 * check. Thread-safe; checks may overlap. {@link #close()} stops its listening to the client's reconnect events
 * (closing the service does too).
 */
public final class HealthCheck implements AutoCloseable {

  private static final Duration PROBE_TTL = Duration.ofMinutes(1);
  /** Problems that say the server cannot be asked at all, after which other failures are only echoes of it. */
  private static final Set<HealthProblem> CONNECTION_PROBLEMS = EnumSet.of(HealthProblem.NOT_STARTED,
      HealthProblem.UNREACHABLE, HealthProblem.TIMEOUT, HealthProblem.AUTHENTICATION, HealthProblem.TLS);

  private final RedisService redis;
  private final HealthPolicy policy;
  private final Clock clock;
  private final String probeKey;
  private final AtomicReference<@Nullable Throwable> lastReconnectFailure = new AtomicReference<>();
  private final AtomicReference<@Nullable Server> previousServer = new AtomicReference<>();
  private final Disposable connectionEvents;
  private volatile @Nullable HealthReport lastReport;

  private HealthCheck(RedisService redis, HealthPolicy policy, Clock clock) {
    this.redis = redis;
    this.policy = policy;
    this.clock = clock;
    this.probeKey = redis.keyNames().health(randomHex(6));
    this.connectionEvents = redis.resources().eventBus().get().subscribe(event -> {
      if (event instanceof ReconnectFailedEvent failed) {
        lastReconnectFailure.set(failed.getCause());
      } else if (event instanceof ConnectionActivatedEvent) {
        lastReconnectFailure.set(null);
      }
    });
  }

  /** A check of {@code redis} with {@link HealthPolicy#defaults()}; the service may be started later. */
  public static HealthCheck create(RedisService redis) {
    return create(redis, HealthPolicy.defaults());
  }

  /** A check of {@code redis} with the given thresholds. */
  public static HealthCheck create(RedisService redis, HealthPolicy policy) {
    return create(redis, policy, Clock.systemUTC());
  }

  /** A check whose reports are stamped by {@code clock}. */
  public static HealthCheck create(RedisService redis, HealthPolicy policy, Clock clock) {
    Objects.requireNonNull(redis, "redis must not be null");
    Objects.requireNonNull(policy, "policy must not be null");
    Objects.requireNonNull(clock, "clock must not be null");
    return new HealthCheck(redis, policy, clock);
  }

  /**
   * Connects with {@code settings}, checks once and disconnects: for start-up diagnostics and tools, where there is
   * no running service yet. A connection that cannot be made (refused, wrong password, TLS) is a DOWN report that
   * says which. Costs a client's start-up and shutdown (some hundred milliseconds). Never throws.
   */
  public static HealthReport checkOnce(RedisSettings settings, HealthPolicy policy) {
    Instant checkedAt = Instant.now();
    long started = System.nanoTime();
    RedisService redis;
    try {
      redis = RedisService.start(settings);
    } catch (RuntimeException unreachable) {
      return report(List.of(classify(unreachable, "connect", null, settings.tls())), null, null, null, checkedAt,
          started);
    }
    try (redis; HealthCheck check = create(redis, policy)) {
      return check.health();
    }
  }

  /**
   * Checks now. The stage never fails and completes within about {@link HealthPolicy#timeout()}.
   */
  public CompletionStage<HealthReport> healthAsync() {
    Instant checkedAt = clock.instant();
    long started = System.nanoTime();
    long deadline = started + policy.timeout().toNanos();
    RedisClusterAsyncCommands<String, String> commands;
    try {
      commands = redis.runtime().commands();
    } catch (IllegalStateException notStarted) {
      return CompletableFuture.completedFuture(remember(report(
          List.of(new Reason(HealthProblem.NOT_STARTED,
              Objects.requireNonNullElse(notStarted.getMessage(), "the service is not started"))),
          null, null, null, checkedAt,
          started)));
    } catch (RedisUnavailableException | RedisMisconfigurationException connecting) {
      // A lazy start still connecting: the reason is why its last attempt failed (refused, TLS, credentials).
      return CompletableFuture.completedFuture(remember(report(
          List.of(classify(connecting, "connect", null, redis.settings().tls())), null, null, null, checkedAt,
          started)));
    }
    String nonce = randomHex(8);
    long pingSent = System.nanoTime();
    CompletableFuture<Duration> ping = bounded(
        commands.ping().thenApply(pong -> Duration.ofNanos(System.nanoTime() - pingSent)), deadline);
    CompletableFuture<String> info = bounded(commands.info(), deadline);
    CompletableFuture<String> write = bounded(commands.set(probeKey, nonce, SetArgs.Builder.px(PROBE_TTL)), deadline);
    CompletableFuture<@Nullable String> read = bounded(commands.get(probeKey), deadline);
    CompletableFuture<@Nullable Cluster> clusterInfo = redis.isCluster()
        ? everyNodesClusterInfo(deadline)
        : info.thenCompose(text -> InfoFields.parse(text).number("cluster_enabled", 0) == 1
                ? bounded(commands.clusterInfo(), deadline).thenApply(one -> Cluster.from(InfoFields.parse(one)))
                : CompletableFuture.<@Nullable Cluster>completedFuture(null))
            .exceptionally(failure -> null);
    HealthReport timedOut = report(List.of(new Reason(HealthProblem.TIMEOUT,
        "the check did not finish within " + policy.timeout().toMillis() + " ms")), null, null, null, checkedAt,
        started);
    return CompletableFuture.allOf(ping.handle((v, e) -> v), info.handle((v, e) -> v), write.handle((v, e) -> v),
            read.handle((v, e) -> v), clusterInfo)
        .thenApply(all -> assemble(Outcome.of(ping), Outcome.of(info), Outcome.of(write), Outcome.of(read),
            clusterInfo.getNow(null), nonce, checkedAt, started))
        .exceptionally(bug -> report(List.of(classify(bug, "health check", null, false)), null, null, null,
            checkedAt, started))
        .completeOnTimeout(timedOut, policy.timeout().toNanos() * 2, TimeUnit.NANOSECONDS)
        .thenApply(this::remember);
  }

  /** Checks now and waits for the report, at most about {@link HealthPolicy#timeout()}. Never throws. */
  public HealthReport health() {
    return healthAsync().toCompletableFuture().join();
  }

  /** The report of the most recent check, or null before the first; sends nothing. */
  public @Nullable HealthReport lastReport() {
    return lastReport;
  }

  /** The thresholds of this check. */
  public HealthPolicy policy() {
    return policy;
  }

  /** Stops following the client's reconnect failures; the service is not closed. */
  @Override
  public void close() {
    connectionEvents.dispose();
  }

  @Override
  public String toString() {
    HealthReport last = lastReport;
    return "HealthCheck[" + redis.settings().describeEndpoint() + (last == null ? "" : ", last " + last.status()) + "]";
  }

  private HealthReport remember(HealthReport report) {
    lastReport = report;
    return report;
  }

  /** CLUSTER INFO of every node in the cluster connection's topology, asked in parallel, combined. */
  private CompletableFuture<@Nullable Cluster> everyNodesClusterInfo(long deadline) {
    StatefulRedisClusterConnection<String, String> cluster;
    try {
      cluster = redis.clusterConnection();
    } catch (IllegalStateException notStarted) {
      return CompletableFuture.completedFuture(null);
    }
    List<String> names = new ArrayList<>();
    List<CompletableFuture<Cluster>> answers = new ArrayList<>();
    for (RedisClusterNode node : cluster.getPartitions()) {
      RedisURI uri = node.getUri();
      names.add(uri.getHost() + ":" + uri.getPort());
      answers.add(bounded(cluster.getConnectionAsync(uri.getHost(), uri.getPort())
          .thenCompose(connection -> connection.async().clusterInfo())
          .thenApply(text -> Cluster.from(InfoFields.parse(text))), deadline));
    }
    return CompletableFuture.allOf(answers.stream().map(answer -> answer.handle((v, e) -> v))
            .toArray(CompletableFuture[]::new))
        .thenApply(all -> {
          List<Cluster> answered = new ArrayList<>();
          List<String> unreachable = new ArrayList<>();
          for (int i = 0; i < answers.size(); i++) {
            Outcome<Cluster> outcome = Outcome.of(answers.get(i));
            if (outcome.value() != null) {
              answered.add(outcome.value());
            } else {
              unreachable.add(names.get(i));
            }
          }
          return Cluster.combine(answered, unreachable);
        });
  }

  private HealthReport assemble(Outcome<Duration> ping, Outcome<String> info, Outcome<String> write,
      Outcome<String> read, @Nullable Cluster cluster, String nonce, Instant checkedAt, long started) {
    List<Reason> reasons = new ArrayList<>();
    Throwable reconnectFailure = lastReconnectFailure.get();
    boolean tls = redis.settings().tls();
    if (ping.error() != null) {
      reasons.add(classify(ping.error(), "PING", reconnectFailure, tls));
    } else if (ping.value() != null && ping.value().compareTo(policy.latencyThreshold()) > 0) {
      reasons.add(new Reason(HealthProblem.LATENCY_HIGH, "PING took " + ping.value().toMillis() + " ms, more than "
          + policy.latencyThreshold().toMillis() + " ms"));
    }
    if (write.error() != null) {
      reasons.add(classify(write.error(), "write probe SET", reconnectFailure, tls));
    } else if (read.error() != null) {
      reasons.add(classify(read.error(), "write probe GET", reconnectFailure, tls));
    } else if (!nonce.equals(read.value())) {
      reasons.add(new Reason(HealthProblem.PROBE_FAILED, "the write probe read back another value than it wrote:"
          + " another writer uses " + probeKey + ", or reads and writes reach different servers"));
    }
    Server server = null;
    if (info.value() != null) {
      server = Server.from(InfoFields.parse(info.value()));
      serverReasons(server, previousServer.getAndSet(server), reasons);
    } else if (info.error() != null && reasons.stream().noneMatch(reason -> reason.problem().status()
        == HealthStatus.DOWN)) {
      reasons.add(new Reason(HealthProblem.INFO_UNAVAILABLE,
          classify(info.error(), "INFO", reconnectFailure, tls).detail()));
    }
    if (cluster != null) {
      clusterReasons(cluster, reasons);
    }
    return report(reasons, ping.value(), server, cluster, checkedAt, started);
  }

  private void serverReasons(Server server, @Nullable Server previous, List<Reason> reasons) {
    MemoryStats memory = server.memory();
    if (server.loading()) {
      reasons.add(new Reason(HealthProblem.LOADING, "the server is loading its data set into memory"));
    }
    if (server.isReplica() && !redis.isCluster()) {
      reasons.add(new Reason(HealthProblem.READONLY, "the server is a replica (role:" + server.role()
          + "): it refuses writes; after a failover the client must reach the new master"));
    }
    double share = memory.usedShareOfMax();
    if (share > policy.memoryThreshold()) {
      reasons.add(new Reason(HealthProblem.MEMORY_HIGH, String.format(Locale.ROOT,
          "used_memory %d is %.1f%% of maxmemory %d (maxmemory-policy %s)", memory.usedMemory(), share * 100,
          memory.maxMemory(), memory.maxMemoryPolicy())));
    }
    // Counters start again at 0 when the server restarts; only growth within one server run counts.
    if (previous == null || server.uptime().compareTo(previous.uptime()) < 0) {
      return;
    }
    if (server.evictedKeys() > previous.evictedKeys()) {
      reasons.add(new Reason(HealthProblem.KEYS_EVICTED, (server.evictedKeys() - previous.evictedKeys())
          + " keys evicted since the previous check (maxmemory-policy " + memory.maxMemoryPolicy() + ")"));
    }
    if (server.rejectedConnections() > previous.rejectedConnections()) {
      reasons.add(new Reason(HealthProblem.CONNECTIONS_REJECTED,
          (server.rejectedConnections() - previous.rejectedConnections())
              + " connections rejected since the previous check: maxclients reached"));
    }
  }

  private static void clusterReasons(Cluster cluster, List<Reason> reasons) {
    String slots = "slots assigned " + cluster.slotsAssigned() + ", ok " + cluster.slotsOk() + ", pfail "
        + cluster.slotsPfail() + ", fail " + cluster.slotsFail() + " of " + Cluster.SLOTS;
    if (!"ok".equals(cluster.state())) {
      reasons.add(new Reason(HealthProblem.CLUSTER_DOWN, "cluster_state:" + cluster.state() + "; " + slots));
    } else if (!cluster.coversAllSlots()) {
      reasons.add(new Reason(HealthProblem.CLUSTER_SLOTS_AT_RISK, slots));
    }
    if (!cluster.unreachableNodes().isEmpty()) {
      reasons.add(new Reason(HealthProblem.CLUSTER_NODE_UNREACHABLE, cluster.unreachableNodes().size() + " of "
          + cluster.nodesAsked() + " nodes did not answer CLUSTER INFO: " + String.join(", ",
          cluster.unreachableNodes())));
    }
  }

  private static HealthReport report(List<Reason> found, @Nullable Duration latency, @Nullable Server server,
      @Nullable Cluster cluster, Instant checkedAt, long started) {
    List<Reason> reasons = new ArrayList<>();
    Set<HealthProblem> seen = EnumSet.noneOf(HealthProblem.class);
    boolean cannotAsk = false;
    // Worst first; one reason per problem, and nothing that only echoes a connection failure.
    for (Reason reason : found.stream()
        .sorted(Comparator.comparing((Reason reason) -> reason.problem().status()).reversed()).toList()) {
      if (seen.add(reason.problem()) && !(cannotAsk && reason.problem() == HealthProblem.PROBE_FAILED)) {
        reasons.add(reason);
        cannotAsk |= CONNECTION_PROBLEMS.contains(reason.problem());
      }
    }
    HealthStatus status = reasons.stream().map(reason -> reason.problem().status()).max(Enum::compareTo)
        .orElse(HealthStatus.UP);
    return new HealthReport(status, reasons, latency, server, cluster, checkedAt,
        Duration.ofNanos(System.nanoTime() - started));
  }

  /**
   * Names the problem behind a failed command from the server's error prefix or the exception's type. With TLS on,
   * a connection whose set-up times out is a TLS problem: the handshake never completed, which is what a plain-text
   * port (it waits for a command line that never comes) or a server stalled mid-handshake look like.
   */
  static Reason classify(Throwable failure, String what, @Nullable Throwable reconnectFailure, boolean tls) {
    String text = what + ": " + describe(failure);
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof SSLException || cause.getClass().getName().startsWith("io.netty.handler.ssl.")) {
        return new Reason(HealthProblem.TLS, text);
      }
      if (cause instanceof RedisCommandExecutionException reply) {
        return new Reason(problemOf(String.valueOf(reply.getMessage())), text);
      }
      if (tls && cause instanceof RedisCommandTimeoutException setUp
          && String.valueOf(setUp.getMessage()).startsWith("Connection initialization timed out")) {
        return new Reason(HealthProblem.TLS, text + " (the TLS handshake did not complete: is the port plain text?)");
      }
      if (cause instanceof TimeoutException || cause instanceof RedisCommandTimeoutException) {
        return new Reason(HealthProblem.TIMEOUT, text);
      }
    }
    if (reconnectFailure != null) {
      Reason why = classify(reconnectFailure, "reconnecting", null, tls);
      if (why.problem() != HealthProblem.UNREACHABLE) {
        return new Reason(why.problem(), text + "; " + why.detail());
      }
    }
    return new Reason(HealthProblem.UNREACHABLE, text);
  }

  /** The problem a server's error reply means, by the one table of them ({@link ServerError}). */
  private static HealthProblem problemOf(String error) {
    return ServerError.of(error).map(code -> switch (code) {
      case WRONGPASS, NOAUTH, AUTH_REFUSED -> HealthProblem.AUTHENTICATION;
      case NOPERM -> HealthProblem.NOPERM;
      case OOM -> HealthProblem.OOM;
      case READONLY -> HealthProblem.READONLY;
      case LOADING -> HealthProblem.LOADING;
      case MISCONF -> HealthProblem.MISCONF;
      case BUSY -> HealthProblem.BUSY;
      case CLUSTERDOWN -> HealthProblem.CLUSTER_DOWN;
      case NOSCRIPT, MASTERDOWN, TRYAGAIN, MOVED, ASK, NON_LOCAL_KEY, NOREPLICAS, WRONGTYPE ->
          HealthProblem.PROBE_FAILED;
    }).orElse(HealthProblem.PROBE_FAILED);
  }

  /** The failure's message without the wrappers that only say "completed exceptionally". */
  private static String describe(Throwable failure) {
    Throwable shown = ServerError.unwrap(failure);
    String message = shown.getMessage();
    if (shown instanceof TimeoutException) {
      return "no answer in time";
    }
    return message == null || message.isBlank() ? shown.getClass().getSimpleName() : message;
  }

  private static <T> CompletableFuture<T> bounded(CompletionStage<T> command, long deadline) {
    long left = Math.max(1, deadline - System.nanoTime());
    return command.toCompletableFuture().copy().orTimeout(left, TimeUnit.NANOSECONDS);
  }

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  /** A command's value or its failure. */
  private record Outcome<T>(@Nullable T value, @Nullable Throwable error) {

    static <T> Outcome<T> of(CompletableFuture<T> done) {
      try {
        return new Outcome<>(done.join(), null);
      } catch (RuntimeException failed) {
        return new Outcome<>(null, failed);
      }
    }
  }
}
