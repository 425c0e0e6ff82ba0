package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.config.HostPort;
import com.cloutsy.redis.config.RedisSettings;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions.RefreshTrigger;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.EpollProvider;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
    assertThat(options.getRequestQueueSize()).isEqualTo(RedisSettings.DEFAULT_REQUEST_QUEUE_SIZE);
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
  void aPasswordWithASlashAndAPlusIsReadAsRedisCliReadsItRegression16() {
    RedisSettings settings = RedisSettings.fromEnvironment(Map.of("REDIS_URL", "redis://app:s3cr/et+K@h:6379/0"));

    RedisURI uri = ClientSetup.redisUri(settings);

    assertThat(uri.getHost()).isEqualTo("h");
    assertThat(uri.getPort()).isEqualTo(6379);
    assertThat(uri.getDatabase()).isZero();
    RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block();
    assertThat(credentials.getUsername()).isEqualTo("app");
    assertThat(credentials.getPassword()).containsExactly("s3cr/et+K".toCharArray());
    assertThat(settings.toString()).contains("url=redis://****@h:6379/0").doesNotContain("s3cr", "et+K");
    assertThat(settings.describeEndpoint()).isEqualTo("h:6379");
    assertThat(uri.toString()).doesNotContain("s3cr", "et+K");
  }

  @Test
  void aPasswordAloneIsForTheDefaultUserWithOrWithoutTheColon() {
    for (String url : List.of("redis://:p@ss/w:rd@h:1", "redis://p@ss/wrd@h:1", "redis://:p%40ss%2Fw%3Ard@h:1")) {
      RedisCredentials credentials = ClientSetup.redisUri(RedisSettings.builder().url(url).build())
          .getCredentialsProvider().resolveCredentials().block();

      assertThat(credentials.getUsername()).as(url).isNull();
      assertThat(new String(credentials.getPassword())).as(url).isIn("p@ss/w:rd", "p@ss/wrd");
    }
  }

  @Test
  void aSentinelUrlBecomesTheSentinelUriLettuceBuildsWithTheCredentialsForTheMaster() {
    RedisSettings settings = RedisSettings.fromEnvironment(Map.of(
        "REDIS_URL", "redis-sentinel://app:p@ss/w#rd@s1:26379,s2:26380/2#mymaster", "REDIS_COMMAND_TIMEOUT_MS", "900"));

    RedisURI uri = ClientSetup.redisUri(settings);

    assertThat(uri.getSentinelMasterId()).isEqualTo("mymaster");
    assertThat(uri.getSentinels()).extracting(RedisURI::getHost).containsExactly("s1", "s2");
    assertThat(uri.getSentinels()).extracting(RedisURI::getPort).containsExactly(26379, 26380);
    assertThat(uri.getSentinels()).extracting(RedisURI::getTimeout).containsOnly(Duration.ofMillis(900));
    assertThat(uri.getDatabase()).isEqualTo(2);
    assertThat(uri.getTimeout()).isEqualTo(Duration.ofMillis(900));
    RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block();
    assertThat(credentials.getUsername()).isEqualTo("app");
    assertThat(credentials.getPassword()).containsExactly("p@ss/w#rd".toCharArray());
    assertThat(settings.describeEndpoint()).isEqualTo("sentinel master mymaster via s1:26379,s2:26380");
    assertThat(settings.toString()).contains("url=redis-sentinel://****@s1:26379,s2:26380/2#mymaster")
        .doesNotContain("p@ss", "w#rd");
  }

  @Test
  void sentinelSettingsBecomeASentinelUri() {
    RedisURI uri = ClientSetup.redisUri(RedisSettings.fromEnvironment(
        Map.of("REDIS_SENTINEL_MASTER", "mymaster", "REDIS_SENTINEL_NODES", "s1:26379,s2:26380")));

    assertThat(uri.getSentinelMasterId()).isEqualTo("mymaster");
    assertThat(uri.getSentinels()).extracting(RedisURI::getPort).containsExactly(26379, 26380);
  }

  @Test
  void theClusterClientFailsFastLikeTheOtherAndRefreshesItsTopologyPeriodicallyAndOnEveryTrigger() {
    RedisSettings cluster = RedisSettings.fromEnvironment(Map.of("REDIS_CLUSTER_NODES", "10.0.0.1:7000,10.0.0.2:7001",
        "REDIS_COMMAND_TIMEOUT_MS", "1500"));

    ClusterClientOptions options = ClientSetup.clusterOptions(cluster);

    assertThat(options.getDisconnectedBehavior()).isEqualTo(DisconnectedBehavior.REJECT_COMMANDS);
    assertThat(options.getRequestQueueSize()).isEqualTo(RedisSettings.DEFAULT_REQUEST_QUEUE_SIZE);
    assertThat(options.getTimeoutOptions().getSource().getTimeout(null)).isEqualTo(Duration.ofMillis(1500).toNanos());
    assertThat(options.getSocketOptions().getTcpUserTimeout().isEnabled()).isTrue();
    ClusterTopologyRefreshOptions refresh = options.getTopologyRefreshOptions();
    assertThat(refresh.isPeriodicRefreshEnabled()).isTrue();
    assertThat(refresh.getRefreshPeriod()).isLessThanOrEqualTo(Duration.ofSeconds(30));
    assertThat(refresh.getAdaptiveRefreshTriggers()).containsExactlyInAnyOrder(RefreshTrigger.values());
    assertThat(refresh.getAdaptiveRefreshTimeout()).isLessThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(refresh.useDynamicRefreshSources()).isTrue();
    RedisClusterNode failed = new RedisClusterNode();
    failed.setFlags(Set.of(NodeFlag.UPSTREAM, NodeFlag.FAIL));
    RedisClusterNode healthy = new RedisClusterNode();
    healthy.setFlags(Set.of(NodeFlag.UPSTREAM));
    assertThat(options.getNodeFilter().test(failed)).as("a failed node is not routed to").isFalse();
    assertThat(options.getNodeFilter().test(healthy)).isTrue();
  }

  @Test
  void reconnectsInClusterModeStartAtTheClusterDownDelay() {
    RedisSettings cluster = RedisSettings.builder().clusterNodes(List.of(new HostPort("h", 7000)))
        .retryDelayOnClusterDown(Duration.ofMillis(300)).retryDelayOnFailover(Duration.ofMillis(10)).build();
    ClientResources resources = ClientSetup.resources(cluster, UnaryOperator.identity());
    try {
      IntStream.rangeClosed(1, 40).forEach(attempt -> assertThat(resources.reconnectDelay().createDelay(attempt))
          .as("attempt %d", attempt).isBetween(Duration.ofMillis(150), ClientSetup.MAX_RECONNECT_DELAY));
    } finally {
      resources.shutdown();
    }
  }

  @Test
  void everyClusterSeedCarriesCredentialsTlsAndTheTimeout() {
    RedisSettings cluster = RedisSettings.fromEnvironment(Map.of("REDIS_CLUSTER_NODES", "a:7000,b:7001",
        "REDIS_USERNAME", "app", "REDIS_PASSWORD", "pw", "REDIS_TLS", "true", "REDIS_COMMAND_TIMEOUT_MS", "900"));

    List<RedisURI> seeds = ClientSetup.clusterUris(cluster);

    assertThat(seeds).extracting(RedisURI::getHost).containsExactly("a", "b");
    assertThat(seeds).extracting(RedisURI::getPort).containsExactly(7000, 7001);
    assertThat(seeds).allSatisfy(seed -> {
      assertThat(seed.isSsl()).isTrue();
      assertThat(seed.getVerifyMode()).isEqualTo(SslVerifyMode.FULL);
      assertThat(seed.getTimeout()).isEqualTo(Duration.ofMillis(900));
      assertThat(seed.getCredentialsProvider().resolveCredentials().block().getUsername()).isEqualTo("app");
    });
  }

  @Test
  void tlsChecksTheHostNameUnlessTurnedOffAndThenStillTheChain() {
    RedisSettings tls = RedisSettings.builder().tls(true).build();

    assertThat(ClientSetup.redisUri(tls).getVerifyMode()).isEqualTo(SslVerifyMode.FULL);
    assertThat(ClientSetup.redisUri(tls.toBuilder().tlsVerifyHostname(false).build()).getVerifyMode())
        .isEqualTo(SslVerifyMode.CA);
    assertThat(ClientSetup.redisUri(RedisSettings.builder().url("rediss://h:6380").build()).isSsl()).isTrue();
    assertThat(ClientSetup.redisUri(settings).isSsl()).isFalse();
  }
}
