package com.cloutsy.redis;

import com.cloutsy.redis.config.HostPort;
import com.cloutsy.redis.config.RedisSettings;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SocketOptions.KeepAliveOptions;
import io.lettuce.core.SocketOptions.TcpUserTimeoutOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Turns {@link RedisSettings} into Lettuce configuration. Lettuce's defaults suit a client that would rather
 * wait than fail; the seed asks for the opposite, so each default below is overridden on purpose.
 */
final class ClientSetup {

  /** Reconnect attempts back off to about this, instead of Lettuce's 30 s, so recovery is noticed quickly. */
  static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

  /**
   * Bounds the commands waiting for replies. A stalled server otherwise lets them pile up without limit until
   * the command timeout expires them; past this, new commands fail at once.
   */
  static final int REQUEST_QUEUE_SIZE = 65_536;

  /** Idle time before the first keep-alive probe; with the interval and count a dead idle peer is seen in ~8 s. */
  private static final Duration KEEP_ALIVE_IDLE = Duration.ofSeconds(5);
  private static final Duration KEEP_ALIVE_INTERVAL = Duration.ofSeconds(1);
  private static final int KEEP_ALIVE_PROBES = 3;

  private ClientSetup() {}

  static ClientResources resources(RedisSettings settings, UnaryOperator<ClientResources.Builder> customizer) {
    Duration firstDelay = settings.isCluster() ? settings.retryDelayOnClusterDown() : settings.retryDelayOnFailover();
    Duration lower = firstDelay.isZero() ? Duration.ofMillis(1) : firstDelay;
    Duration upper = lower.compareTo(MAX_RECONNECT_DELAY) > 0 ? lower : MAX_RECONNECT_DELAY;
    // Equal jitter: many application instances that lost Redis together do not all reconnect in the same instant.
    return customizer.apply(ClientResources.builder()
        .reconnectDelay(Delay.equalJitter(lower, upper, 2, TimeUnit.MILLISECONDS)))
        .build();
  }

  static ClientOptions options(RedisSettings settings) {
    return ClientOptions.builder()
        .autoReconnect(true)
        // No offline queue: while disconnected a command fails at once instead of waiting in an unbounded buffer,
        // and commands in flight when the connection drops fail instead of being replayed (an INCR would count
        // twice); ReadRetry sends the facade's reads again.
        .disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(REQUEST_QUEUE_SIZE)
        .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
        .socketOptions(socketOptions(settings))
        .build();
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
    RedisURI.Builder builder;
    String url = settings.url();
    String master = settings.sentinelMaster();
    boolean urlHasCredentials = false;
    if (url != null) {
      builder = RedisURI.builder(RedisURI.create(url));
      urlHasCredentials = URI.create(url).getRawUserInfo() != null;
    } else if (master != null) {
      builder = RedisURI.builder().withSentinelMasterId(master).withDatabase(settings.database());
      for (HostPort sentinel : settings.sentinelNodes()) {
        builder.withSentinel(sentinel.host(), sentinel.port());
      }
    } else {
      builder = RedisURI.builder().withHost(settings.host()).withPort(settings.port())
          .withDatabase(settings.database());
    }
    String password = settings.password();
    if (password != null && !urlHasCredentials) {
      String username = settings.username();
      if (username != null) {
        builder.withAuthentication(username, password.toCharArray());
      } else {
        builder.withPassword(password.toCharArray());
      }
    }
    if (settings.tls()) {
      builder.withSsl(true);
    }
    return builder.withTimeout(settings.commandTimeout()).withClientName("cloutsy-redis").build();
  }
}
