package com.cloutsy.redis;

import com.cloutsy.redis.config.HostPort;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.config.RedisUrl;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SocketOptions.KeepAliveOptions;
import io.lettuce.core.SocketOptions.TcpUserTimeoutOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.StaticCredentialsProvider;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Turns {@link RedisSettings} into Lettuce configuration. Lettuce's defaults suit a client that would rather
 * wait than fail; the seed asks for the opposite, so each default below is overridden on purpose.
 */
final class ClientSetup {

  /** Reconnect attempts back off to about this, instead of Lettuce's 30 s, so recovery is noticed quickly. */
  static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

  /** Idle time before the first keep-alive probe; with the interval and count a dead idle peer is seen in ~8 s. */
  private static final Duration KEEP_ALIVE_IDLE = Duration.ofSeconds(5);
  private static final Duration KEEP_ALIVE_INTERVAL = Duration.ofSeconds(1);
  private static final int KEEP_ALIVE_PROBES = 3;

  /**
   * Periodic cluster topology refresh: a backstop for changes no command noticed (a replica added, a failover of a
   * node this client had no connection to). Adaptive refresh reacts to MOVED, ASK and lost nodes at once.
   */
  static final Duration TOPOLOGY_REFRESH_PERIOD = Duration.ofSeconds(10);
  /** Adaptive refreshes at most this often; Lettuce's 30 s would leave a failover unnoticed for that long. */
  static final Duration ADAPTIVE_REFRESH_TIMEOUT = Duration.ofSeconds(1);
  /** Failed reconnects to one node after which the topology is refreshed: its replica may have taken over. */
  static final int REFRESH_AFTER_RECONNECT_ATTEMPTS = 3;

  /** Never: see {@link #configure}. A constant so that the choice is stated once, and visible to tests. */
  static final boolean SUSPEND_RECONNECT_ON_PROTOCOL_FAILURE = false;

  private ClientSetup() {}

  static ClientResources resources(RedisSettings settings, UnaryOperator<ClientResources.Builder> customizer) {
    return customizer.apply(ClientResources.builder().reconnectDelay(reconnectDelay(settings))).build();
  }

  /**
   * The delays between reconnect attempts: from the seed's retry delay up to {@link #MAX_RECONNECT_DELAY}. Equal
   * jitter: many application instances that lost Redis together do not all reconnect in the same instant.
   */
  static Delay reconnectDelay(RedisSettings settings) {
    Duration firstDelay = settings.isCluster() ? settings.retryDelayOnClusterDown() : settings.retryDelayOnFailover();
    Duration lower = firstDelay.isZero() ? Duration.ofMillis(1) : firstDelay;
    Duration upper = lower.compareTo(MAX_RECONNECT_DELAY) > 0 ? lower : MAX_RECONNECT_DELAY;
    return Delay.equalJitter(lower, upper, 2, TimeUnit.MILLISECONDS);
  }

  static ClientOptions options(RedisSettings settings) {
    ClientOptions.Builder builder = ClientOptions.builder();
    configure(builder, settings);
    return builder.build();
  }

  /**
   * The cluster client's options: the same fail-fast behaviour as {@link #options}, plus topology refresh (periodic
   * and adaptive), and no routing to nodes the cluster marked as failed.
   */
  static ClusterClientOptions clusterOptions(RedisSettings settings) {
    ClusterClientOptions.Builder builder = ClusterClientOptions.builder();
    configure(builder, settings);
    return builder
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
            .enablePeriodicRefresh(TOPOLOGY_REFRESH_PERIOD)
            .enableAllAdaptiveRefreshTriggers()
            .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_TIMEOUT)
            .refreshTriggersReconnectAttempts(REFRESH_AFTER_RECONNECT_ATTEMPTS)
            .closeStaleConnections(true)
            .dynamicRefreshSources(true)
            .build())
        // A failed master stays in CLUSTER NODES until it is forgotten; routing or reconnecting to it only fails.
        .nodeFilter(ClientSetup::isUsable)
        .build();
  }

  private static boolean isUsable(RedisClusterNode node) {
    return !(node.is(NodeFlag.FAIL) || node.is(NodeFlag.EVENTUAL_FAIL) || node.is(NodeFlag.NOADDR)
        || node.is(NodeFlag.HANDSHAKE));
  }

  private static void configure(ClientOptions.Builder builder, RedisSettings settings) {
    builder
        .autoReconnect(true)
        // A failed handshake on reconnect (TLS: a certificate from an unknown CA; HELLO/AUTH refused) must not stop
        // reconnecting for good, or the connection never comes back once the server is fixed (TlsCertificateChangeIT).
        .suspendReconnectOnProtocolFailure(SUSPEND_RECONNECT_ON_PROTOCOL_FAILURE)
        // No offline queue: while disconnected a command fails at once instead of waiting in an unbounded buffer,
        // and commands in flight when the connection drops fail instead of being replayed (an INCR would count
        // twice); ReadRetry sends the facade's reads again.
        .disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
        // Bounds the commands waiting for replies: a stalled server otherwise lets them pile up without limit until
        // the command timeout expires them; past this, new commands fail at once.
        .requestQueueSize(settings.requestQueueSize())
        .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
        .socketOptions(socketOptions(settings));
    Path ca = settings.tlsCaFile();
    if (ca != null) {
      builder.sslOptions(SslOptions.builder().jdkSslProvider().trustManager(ca.toFile()).build());
    }
  }

  static SocketOptions socketOptions(RedisSettings settings) {
    // A host that dies without a reset leaves unacknowledged writes hanging for ~15 minutes of TCP retries;
    // TCP_USER_TIMEOUT drops the connection once data stays unacknowledged this long (native transport only).
    Duration userTimeout = settings.commandTimeout().multipliedBy(2);
    return SocketOptions.builder()
        .connectTimeout(settings.connectTimeout())
        .tcpNoDelay(true)
        .keepAlive(KeepAliveOptions.builder()
            .enable()
            .idle(KEEP_ALIVE_IDLE)
            .interval(KEEP_ALIVE_INTERVAL)
            .count(KEEP_ALIVE_PROBES)
            .build())
        .tcpUserTimeout(TcpUserTimeoutOptions.builder().enable().tcpUserTimeout(userTimeout).build())
        .build();
  }

  static RedisURI redisUri(RedisSettings settings) {
    String url = settings.url();
    String master = settings.sentinelMaster();
    RedisURI uri;
    if (url != null) {
      RedisUrl parsed = RedisUrl.parse(url, "REDIS_URL");
      uri = parsed.toRedisUri();
      if (!parsed.hasUserInfo()) {
        authenticate(uri, settings);
      }
    } else if (master != null) {
      RedisURI.Builder builder = RedisURI.builder().withSentinelMasterId(master).withDatabase(settings.database());
      for (HostPort sentinel : settings.sentinelNodes()) {
        builder.withSentinel(sentinel.host(), sentinel.port());
      }
      uri = authenticate(builder.build(), settings);
    } else {
      uri = authenticate(RedisURI.builder().withHost(settings.host()).withPort(settings.port())
          .withDatabase(settings.database()).build(), settings);
    }
    return finish(uri, settings);
  }

  /** One URI per cluster seed node, each with the credentials, TLS and timeout of the settings. */
  static List<RedisURI> clusterUris(RedisSettings settings) {
    return settings.clusterNodes().stream()
        .map(node -> finish(authenticate(RedisURI.create(node.host(), node.port()), settings), settings))
        .toList();
  }

  /**
   * The user the server is asked to authenticate, for messages: the URL's when it has user information, otherwise
   * {@code REDIS_USERNAME}; {@code default} when neither names one.
   */
  static String username(RedisSettings settings) {
    RedisUrl url = url(settings);
    String user = url != null && url.hasUserInfo() ? url.username() : settings.username();
    return user == null ? "default" : user;
  }

  /** Where to correct refused credentials: the URL's user information, or REDIS_USERNAME and REDIS_PASSWORD. */
  static String credentialSettings(RedisSettings settings) {
    RedisUrl url = url(settings);
    return url != null && url.hasUserInfo() ? "the user and password in the URL (" + url + ")"
        : "REDIS_USERNAME and REDIS_PASSWORD";
  }

  private static @Nullable RedisUrl url(RedisSettings settings) {
    String url = settings.url();
    return url == null ? null : RedisUrl.parse(url, "REDIS_URL");
  }

  /**
   * Sets REDIS_USERNAME and REDIS_PASSWORD, if any. A credentials provider rather than Lettuce's deprecated password
   * fields: the URI's {@code toString()}, which Lettuce puts in connection errors and logs, then shows no credentials.
   */
  private static RedisURI authenticate(RedisURI uri, RedisSettings settings) {
    String password = settings.password();
    if (password != null) {
      uri.setCredentialsProvider(new StaticCredentialsProvider(settings.username(), password.toCharArray()));
    }
    return uri;
  }

  private static RedisURI finish(RedisURI uri, RedisSettings settings) {
    if (settings.tls()) {
      // Never plain text once TLS is asked for; FULL checks the chain and that the certificate names the host.
      uri.setSsl(true);
      uri.setVerifyPeer(settings.tlsVerifyHostname() ? SslVerifyMode.FULL : SslVerifyMode.CA);
    }
    uri.setTimeout(settings.commandTimeout());
    // A sentinel that does not answer must not hold up the master's lookup longer than a command may take.
    uri.getSentinels().forEach(sentinel -> sentinel.setTimeout(settings.commandTimeout()));
    uri.setClientName("cloutsy-redis");
    // No CLIENT SETINFO in the handshake (Lettuce skips it for an empty name and version): a least-privilege ACL
    // user would need "+client|setinfo", which Redis 7.0 rejects as an unknown subcommand, and on 6.2 and 7.0 the
    // refused command would fill ACL LOG on every connect (docs/OPERATIONS.md, section 7).
    uri.setLibraryName("");
    uri.setLibraryVersion("");
    return uri;
  }
}
