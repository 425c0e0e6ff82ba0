package com.cloutsy.redis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloutsy.redis.keys.KeyLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedisSettingsTest {

  private static final String SECRET = "s3cr3t-Pa55";

  @Test
  void defaultsMatchTheSeed() {
    RedisSettings settings = RedisSettings.fromEnvironment(Map.of());

    assertThat(settings).isEqualTo(RedisSettings.defaults());
    assertThat(settings.host()).isEqualTo("localhost");
    assertThat(settings.port()).isEqualTo(6379);
    assertThat(settings.database()).isZero();
    assertThat(settings.password()).isNull();
    assertThat(settings.maxRetriesPerRequest()).isEqualTo(3);
    assertThat(settings.retryDelayOnClusterDown()).isEqualTo(Duration.ofMillis(100));
    assertThat(settings.retryDelayOnFailover()).isEqualTo(Duration.ofMillis(50));
    assertThat(settings.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.keyLayout()).isEqualTo(KeyLayout.SEED);
    assertThat(settings.keyPrefix()).isEmpty();
    assertThat(settings.isCluster()).isFalse();
    assertThat(settings.isSentinel()).isFalse();
    assertThat(settings.describeEndpoint()).isEqualTo("localhost:6379");
  }

  @Test
  void readsEveryVariable() {
    RedisSettings settings = RedisSettings.fromEnvironment(Map.ofEntries(
        Map.entry("REDIS_HOST", "redis.internal"),
        Map.entry("REDIS_PORT", "6380"),
        Map.entry("REDIS_USERNAME", "app"),
        Map.entry("REDIS_PASSWORD", SECRET),
        Map.entry("REDIS_DB", "4"),
        Map.entry("REDIS_TLS", "true"),
        Map.entry("REDIS_MAX_RETRIES_PER_REQUEST", "0"),
        Map.entry("REDIS_RETRY_DELAY_ON_CLUSTER_DOWN", "250"),
        Map.entry("REDIS_RETRY_DELAY_ON_FAILOVER", "75"),
        Map.entry("REDIS_CONNECT_TIMEOUT_MS", "1500"),
        Map.entry("REDIS_COMMAND_TIMEOUT_MS", "800"),
        Map.entry("REDIS_KEY_PREFIX", "app1:"),
        Map.entry("REDIS_KEY_LAYOUT", "CLUSTER"),
        Map.entry("REDIS_CACHE_URL", "redis://cache.internal:6379/1")));

    assertThat(settings.host()).isEqualTo("redis.internal");
    assertThat(settings.port()).isEqualTo(6380);
    assertThat(settings.username()).isEqualTo("app");
    assertThat(settings.password()).isEqualTo(SECRET);
    assertThat(settings.database()).isEqualTo(4);
    assertThat(settings.tls()).isTrue();
    assertThat(settings.maxRetriesPerRequest()).isZero();
    assertThat(settings.retryDelayOnClusterDown()).isEqualTo(Duration.ofMillis(250));
    assertThat(settings.retryDelayOnFailover()).isEqualTo(Duration.ofMillis(75));
    assertThat(settings.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(settings.commandTimeout()).isEqualTo(Duration.ofMillis(800));
    assertThat(settings.keyPrefix()).isEqualTo("app1:");
    assertThat(settings.keyLayout()).isEqualTo(KeyLayout.CLUSTER);
    assertThat(settings.cacheUrl()).isEqualTo("redis://cache.internal:6379/1");
  }

  @Test
  void blankVariablesCountAsUnset() {
    RedisSettings settings = RedisSettings.fromEnvironment(
        Map.of("REDIS_PASSWORD", "", "REDIS_PORT", "  ", "REDIS_HOST", ""));

    assertThat(settings).isEqualTo(RedisSettings.defaults());
  }

  @Test
  void urlWinsOverHostAndPort() {
    RedisSettings settings = RedisSettings.fromEnvironment(
        Map.of("REDIS_URL", "redis://10.1.2.3:7000/2", "REDIS_HOST", "ignored", "REDIS_PORT", "1"));

    assertThat(settings.describeEndpoint()).isEqualTo("10.1.2.3:7000");
  }

  @Test
  void sentinelFromVariablesAndFromUrl() {
    RedisSettings fromVariables = RedisSettings.fromEnvironment(Map.of(
        "REDIS_SENTINEL_MASTER", "mymaster", "REDIS_SENTINEL_NODES", "s1:26379, s2:26380,[::1]:26381"));
    RedisSettings fromUrl = RedisSettings.fromEnvironment(
        Map.of("REDIS_URL", "redis-sentinel://s1:26379,s2:26380/0#mymaster"));

    assertThat(fromVariables.isSentinel()).isTrue();
    assertThat(fromVariables.sentinelNodes())
        .containsExactly(new HostPort("s1", 26379), new HostPort("s2", 26380), new HostPort("::1", 26381));
    assertThat(fromVariables.describeEndpoint())
        .isEqualTo("sentinel master mymaster via s1:26379,s2:26380,[::1]:26381");
    assertThat(fromUrl.isSentinel()).isTrue();
    assertThat(fromUrl.describeEndpoint()).isEqualTo("sentinel master mymaster via s1:26379,s2:26380");
  }

  @Test
  void clusterNodesSelectTheClusterLayout() {
    RedisSettings settings = RedisSettings.fromEnvironment(Map.of("REDIS_CLUSTER_NODES", "n1:7000,n2:7001"));

    assertThat(settings.isCluster()).isTrue();
    assertThat(settings.keyLayout()).isEqualTo(KeyLayout.CLUSTER);
    assertThat(settings.clusterNodes()).containsExactly(new HostPort("n1", 7000), new HostPort("n2", 7001));
    assertThat(settings.describeEndpoint()).isEqualTo("cluster n1:7000,n2:7001");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "REDIS_PORT                       | abc          | REDIS_PORT must be an integer 1-65535, was \"abc\"",
      "REDIS_PORT                       | 0            | REDIS_PORT must be an integer 1-65535, was \"0\"",
      "REDIS_PORT                       | 65536        | REDIS_PORT must be an integer 1-65535, was \"65536\"",
      "REDIS_DB                         | -1           | REDIS_DB must be an integer >= 0, was \"-1\"",
      "REDIS_KEY_LAYOUT                 | sharded      | REDIS_KEY_LAYOUT must be seed or cluster, was \"sharded\"",
      "REDIS_TLS                        | maybe        | REDIS_TLS must be true or false, was \"maybe\"",
      "REDIS_COMMAND_TIMEOUT_MS         | 0            | REDIS_COMMAND_TIMEOUT_MS must be an integer >= 1, was \"0\"",
      "REDIS_CONNECT_TIMEOUT_MS         | 2s           | REDIS_CONNECT_TIMEOUT_MS must be an integer >= 1, was \"2s\"",
      "REDIS_MAX_RETRIES_PER_REQUEST    | -3           | "
          + "REDIS_MAX_RETRIES_PER_REQUEST must be an integer >= 0, was \"-3\"",
      "REDIS_RETRY_DELAY_ON_FAILOVER    | soon         | "
          + "REDIS_RETRY_DELAY_ON_FAILOVER must be an integer >= 0, was \"soon\"",
      "REDIS_RETRY_DELAY_ON_CLUSTER_DOWN| -1           | "
          + "REDIS_RETRY_DELAY_ON_CLUSTER_DOWN must be an integer >= 0, was \"-1\"",
      "REDIS_REQUEST_QUEUE_SIZE         | 0            | REDIS_REQUEST_QUEUE_SIZE must be an integer >= 1, was \"0\"",
      "REDIS_CLUSTER_NODES              | n1:7000,n2   | REDIS_CLUSTER_NODES must be host:port, was \"n2\"",
      "REDIS_SENTINEL_NODES             | s1:notaport  | "
          + "REDIS_SENTINEL_NODES must be an integer 1-65535, was \"notaport\"",
      "REDIS_URL                        | http://x:1   | "
          + "REDIS_URL must be redis://, rediss:// or redis-sentinel://[user:password@]host:port[/db], "
          + "was \"http://x:1\"",
      "REDIS_URL                        | redis://h:x  | "
          + "REDIS_URL must be redis://, rediss:// or redis-sentinel://[user:password@]host:port[/db], "
          + "was \"redis://h:x\"",
      "REDIS_KEY_PREFIX                 | {app}        | REDIS_KEY_PREFIX: ",
  })
  void aBadValueNamesItsVariableAndWhatWasExpected(String variable, String value, String message) {
    assertThatThrownBy(() -> RedisSettings.fromEnvironment(Map.of(variable, value)))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageStartingWith(message)
        .extracting(error -> ((InvalidSettingException) error).setting()).isEqualTo(variable);
  }

  @Test
  void theRequestQueueSizeIsTenThousandUnlessSet() {
    assertThat(RedisSettings.fromEnvironment(Map.of()).requestQueueSize()).isEqualTo(10_000);
    assertThat(RedisSettings.fromEnvironment(Map.of("REDIS_REQUEST_QUEUE_SIZE", "500")).requestQueueSize())
        .isEqualTo(500);
    assertThat(RedisSettings.builder().requestQueueSize(7).build().toBuilder().build().requestQueueSize())
        .isEqualTo(7);
  }

  @Test
  void sentinelMasterWithoutNodesIsRefused() {
    assertThatThrownBy(() -> RedisSettings.fromEnvironment(Map.of("REDIS_SENTINEL_MASTER", "mymaster")))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessage("REDIS_SENTINEL_MASTER is set, so REDIS_SENTINEL_NODES must list at least one sentinel as"
            + " host:port");
    assertThatThrownBy(() -> RedisSettings.fromEnvironment(Map.of("REDIS_SENTINEL_NODES", "s1:26379")))
        .hasMessage("REDIS_SENTINEL_NODES is set, so REDIS_SENTINEL_MASTER must name the master");
  }

  @Test
  void clusterRefusesTheSeedLayoutADatabaseAndSentinel() {
    assertThatThrownBy(() -> RedisSettings.fromEnvironment(
        Map.of("REDIS_CLUSTER_NODES", "n1:7000", "REDIS_KEY_LAYOUT", "seed")))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageStartingWith("REDIS_KEY_LAYOUT must be cluster with REDIS_CLUSTER_NODES");
    assertThatThrownBy(() -> RedisSettings.fromEnvironment(Map.of("REDIS_CLUSTER_NODES", "n1:7000", "REDIS_DB", "2")))
        .hasMessageStartingWith("REDIS_DB must be 0 with REDIS_CLUSTER_NODES");
    assertThatThrownBy(() -> RedisSettings.fromEnvironment(Map.of("REDIS_CLUSTER_NODES", "n1:7000",
        "REDIS_SENTINEL_MASTER", "m", "REDIS_SENTINEL_NODES", "s:1")))
        .hasMessageStartingWith("REDIS_CLUSTER_NODES and REDIS_SENTINEL_MASTER exclude each other");
  }

  @Test
  void builderValidatesLikeTheEnvironment() {
    assertThatThrownBy(() -> RedisSettings.builder().port(70000).build())
        .isInstanceOf(InvalidSettingException.class)
        .hasMessage("REDIS_PORT must be 1-65535, was 70000");
    assertThatThrownBy(() -> RedisSettings.builder().commandTimeout(Duration.ZERO).build())
        .hasMessage("REDIS_COMMAND_TIMEOUT_MS must be > 0, was 0");
    assertThatThrownBy(() -> RedisSettings.builder().database(-2).build())
        .hasMessage("REDIS_DB must be >= 0, was -2");
  }

  @Test
  void toBuilderCopiesEveryComponent() {
    RedisSettings settings = RedisSettings.builder().host("h").port(7000).username("u").password(SECRET)
        .database(3).tls(true).commandTimeout(Duration.ofMillis(900)).keyPrefix("p:").keyLayout(KeyLayout.CLUSTER)
        .sentinelMaster("m").sentinelNodes(List.of(new HostPort("s", 26379))).cacheUrl("redis://c:1").build();

    assertThat(settings.toBuilder().build()).isEqualTo(settings);
    assertThat(settings.toBuilder().port(7001).build().port()).isEqualTo(7001);
  }

  @Test
  void passwordsNeverAppearInToString() {
    RedisSettings settings = RedisSettings.fromEnvironment(Map.of(
        "REDIS_PASSWORD", SECRET,
        "REDIS_URL", "redis://app:" + SECRET + "@10.0.0.1:6379/0",
        "REDIS_CACHE_URL", "rediss://:" + SECRET + "@cache:6380"));

    assertThat(settings.toString())
        .doesNotContain(SECRET)
        .contains("password=****", "url=redis://****@10.0.0.1:6379/0", "cacheUrl=rediss://****@cache:6380");
  }

  @Test
  void passwordsNeverAppearInErrors() {
    assertThatThrownBy(() -> RedisSettings.fromEnvironment(Map.of("REDIS_URL", "redis://app:" + SECRET + "@h:port")))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("redis://****@h:port")
        .hasNoCause()
        .message().doesNotContain(SECRET);
    assertThatThrownBy(() -> RedisSettings.fromEnvironment(
        Map.of("REDIS_CACHE_URL", "http://:" + SECRET + "@h:1", "REDIS_PASSWORD", SECRET)))
        .message().doesNotContain(SECRET);
  }

  @Test
  void readsTheTlsCaFileHostNameVerificationAndDurability(@TempDir Path directory) throws Exception {
    Path ca = Files.writeString(directory.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\n");

    RedisSettings settings = RedisSettings.fromEnvironment(Map.of("REDIS_URL", "rediss://redis.internal:6380",
        "REDIS_TLS_CA_FILE", ca.toString(), "REDIS_TLS_VERIFY_HOSTNAME", "false", "REDIS_WAIT_REPLICAS", "1",
        "REDIS_WAIT_TIMEOUT_MS", "250"));

    assertThat(settings.tls()).as("rediss:// is TLS").isTrue();
    assertThat(settings.tlsCaFile()).isEqualTo(ca);
    assertThat(settings.tlsVerifyHostname()).isFalse();
    assertThat(settings.durability()).isEqualTo(Durability.waitFor(1, Duration.ofMillis(250)));
    assertThat(settings.durability().isEnabled()).isTrue();
    assertThat(settings.toString()).contains("tlsCaFile=" + ca, "tlsVerifyHostname=false", "durability=WAIT 1 250 ms");
    assertThat(settings.toBuilder().build()).isEqualTo(settings);
  }

  @Test
  void byDefaultHostNamesAreVerifiedAndNoWriteWaits() {
    RedisSettings settings = RedisSettings.defaults();

    assertThat(settings.tlsVerifyHostname()).isTrue();
    assertThat(settings.tlsCaFile()).isNull();
    assertThat(settings.durability()).isEqualTo(Durability.NONE);
    assertThat(settings.durability().isEnabled()).isFalse();
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', textBlock = """
      REDIS_TLS_CA_FILE     | /no/such/ca.pem | REDIS_TLS_CA_FILE must be a readable PEM file of CA \
      certificates, was "/no/such/ca.pem"
      REDIS_TLS_VERIFY_HOSTNAME | perhaps     | REDIS_TLS_VERIFY_HOSTNAME must be true or false, was "perhaps"
      REDIS_WAIT_REPLICAS   | -1              | REDIS_WAIT_REPLICAS must be an integer >= 0, was "-1"
      REDIS_WAIT_TIMEOUT_MS | 0               | REDIS_WAIT_TIMEOUT_MS must be an integer >= 1, was "0"
      """)
  void badTlsAndDurabilityValuesNameTheirVariable(String variable, String value, String message) {
    Map<String, String> environment = new java.util.HashMap<>(Map.of(variable, value, "REDIS_TLS", "true"));

    assertThatThrownBy(() -> RedisSettings.fromEnvironment(environment))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessage(message)
        .extracting(failure -> ((InvalidSettingException) failure).setting()).isEqualTo(variable);
  }

  @Test
  void aCaFileNeedsTlsAndWaitMustEndBeforeTheCommandTimeout(@TempDir Path directory) throws Exception {
    Path ca = Files.writeString(directory.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\n");

    assertThatThrownBy(() -> RedisSettings.builder().tlsCaFile(ca).build())
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageStartingWith("REDIS_TLS_CA_FILE is set, so REDIS_TLS must be true");
    assertThatThrownBy(() -> RedisSettings.fromEnvironment(Map.of("REDIS_WAIT_REPLICAS", "1",
            "REDIS_WAIT_TIMEOUT_MS", "2000", "REDIS_COMMAND_TIMEOUT_MS", "2000")))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessage("REDIS_WAIT_TIMEOUT_MS must be shorter than REDIS_COMMAND_TIMEOUT_MS (2000), was 2000: the"
            + " command timeout also bounds WAIT");
    assertThat(RedisSettings.fromEnvironment(Map.of("REDIS_WAIT_TIMEOUT_MS", "5000")).durability().isEnabled())
        .as("without replicas to wait for, the timeout does not matter").isFalse();
    assertThatThrownBy(() -> Durability.waitFor(-1, Duration.ofMillis(10)))
        .isInstanceOf(InvalidSettingException.class).hasMessage("REDIS_WAIT_REPLICAS must be >= 0, was -1");
  }
}
