package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.config.RedisSettings;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.EpollProvider;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Each Lettuce default that the seed's behaviour needs changed, checked on the options we hand to Lettuce. */
class ClientSetupTest {

  private final RedisSettings settings = RedisSettings.builder()
      .commandTimeout(Duration.ofMillis(1500)).connectTimeout(Duration.ofMillis(700)).build();

  @Test
  void commandsAreRejectedWhileDisconnectedAndBoundedByTheCommandTimeout() {
    ClientOptions options = ClientSetup.options(settings);

    assertThat(options.getDisconnectedBehavior()).isEqualTo(DisconnectedBehavior.REJECT_COMMANDS);
    assertThat(options.isAutoReconnect()).isTrue();
    assertThat(options.getRequestQueueSize()).isEqualTo(ClientSetup.REQUEST_QUEUE_SIZE);
    assertThat(options.getTimeoutOptions().isTimeoutCommands()).isTrue();
    TimeoutOptions.TimeoutSource source = options.getTimeoutOptions().getSource();
    assertThat(Duration.ofNanos(source.getTimeUnit().toNanos(source.getTimeout(null))))
        .isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void aSilentlyDeadPeerIsNoticedInSeconds() {
    SocketOptions socket = ClientSetup.socketOptions(settings);

    assertThat(socket.getConnectTimeout()).isEqualTo(Duration.ofMillis(700));
    assertThat(socket.isKeepAlive()).isTrue();
    assertThat(socket.getKeepAlive().getIdle()).isEqualTo(Duration.ofSeconds(5));
    assertThat(socket.getKeepAlive().getInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(socket.getKeepAlive().getCount()).isEqualTo(3);
    assertThat(socket.getTcpUserTimeout().isEnabled()).isTrue();
    assertThat(socket.getTcpUserTimeout().getTcpUserTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void theNativeTransportThatAppliesThoseOptionsIsOnTheClassPathOnLinux() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    boolean supportedLinux = os.contains("linux") && (arch.equals("amd64") || arch.equals("aarch64"));

    assertThat(EpollProvider.isAvailable()).isEqualTo(supportedLinux);
  }

  @Test
  void reconnectDelayStartsAtTheFailoverDelayAndStaysNearASecond() {
    RedisSettings slowFailover = settings.toBuilder().retryDelayOnFailover(Duration.ofMillis(200)).build();
    ClientResources resources = ClientSetup.resources(slowFailover, UnaryOperator.identity());
    try {
      Delay delay = resources.reconnectDelay();
      IntStream.rangeClosed(1, 40).forEach(attempt -> assertThat(delay.createDelay(attempt))
          .as("attempt %d", attempt).isBetween(Duration.ofMillis(100), ClientSetup.MAX_RECONNECT_DELAY));
    } finally {
      resources.shutdown();
    }
  }

  @Test
  void aCustomizerAdjustsTheResourcesAfterOurDefaults() {
    ClientResources resources = ClientSetup.resources(settings, builder -> builder.ioThreadPoolSize(3));
    try {
      assertThat(resources.ioThreadPoolSize()).isEqualTo(3);
      assertThat(resources.reconnectDelay().createDelay(40)).isLessThanOrEqualTo(ClientSetup.MAX_RECONNECT_DELAY);
    } finally {
      resources.shutdown();
    }
  }

  @Test
  void theUriCarriesCredentialsDatabaseTimeoutAndTls() {
    RedisSettings withAuth = RedisSettings.fromEnvironment(Map.of("REDIS_HOST", "h", "REDIS_PORT", "7000",
        "REDIS_USERNAME", "app", "REDIS_PASSWORD", "pw", "REDIS_DB", "3", "REDIS_TLS", "true",
        "REDIS_COMMAND_TIMEOUT_MS", "900"));

    RedisURI uri = ClientSetup.redisUri(withAuth);

    assertThat(uri.getHost()).isEqualTo("h");
    assertThat(uri.getPort()).isEqualTo(7000);
    assertThat(uri.getDatabase()).isEqualTo(3);
    assertThat(uri.isSsl()).isTrue();
    assertThat(uri.getTimeout()).isEqualTo(Duration.ofMillis(900));
    assertThat(uri.getCredentialsProvider().resolveCredentials().block())
        .satisfies(credentials -> {
          assertThat(credentials.getUsername()).isEqualTo("app");
          assertThat(credentials.getPassword()).containsExactly('p', 'w');
        });
  }

  @Test
  void aPasswordInTheUrlWinsOverRedisPassword() {
    RedisURI uri = ClientSetup.redisUri(RedisSettings.fromEnvironment(
        Map.of("REDIS_URL", "redis://:from-url@h:1/2", "REDIS_PASSWORD", "from-variable")));

    assertThat(uri.getCredentialsProvider().resolveCredentials().block().getPassword())
        .containsExactly("from-url".toCharArray());
    assertThat(uri.getDatabase()).isEqualTo(2);
  }

  @Test
  void sentinelSettingsBecomeASentinelUri() {
    RedisURI uri = ClientSetup.redisUri(RedisSettings.fromEnvironment(
        Map.of("REDIS_SENTINEL_MASTER", "mymaster", "REDIS_SENTINEL_NODES", "s1:26379,s2:26380")));

    assertThat(uri.getSentinelMasterId()).isEqualTo("mymaster");
    assertThat(uri.getSentinels()).extracting(RedisURI::getPort).containsExactly(26379, 26380);
  }
}
