package com.cloutsy.redis.config;

import com.cloutsy.redis.keys.KeyLayout;
import com.cloutsy.redis.keys.Keys;
import io.lettuce.core.RedisURI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything needed to reach Redis and lay out keys, immutable and validated on construction.
 *
 * <p>{@link #fromEnvironment()} reads the seed's variables with their meaning unchanged ({@code REDIS_HOST},
 * {@code REDIS_PORT}, {@code REDIS_PASSWORD}, {@code REDIS_DB}, {@code REDIS_MAX_RETRIES_PER_REQUEST},
 * {@code REDIS_RETRY_DELAY_ON_CLUSTER_DOWN}, {@code REDIS_RETRY_DELAY_ON_FAILOVER}) and the ones this library
 * adds ({@code REDIS_URL}, {@code REDIS_USERNAME}, {@code REDIS_TLS}, {@code REDIS_TLS_CA_FILE},
 * {@code REDIS_TLS_VERIFY_HOSTNAME}, {@code REDIS_CLUSTER_NODES}, {@code REDIS_SENTINEL_MASTER},
 * {@code REDIS_SENTINEL_NODES}, {@code REDIS_CONNECT_TIMEOUT_MS}, {@code REDIS_COMMAND_TIMEOUT_MS},
 * {@code REDIS_KEY_PREFIX}, {@code REDIS_KEY_LAYOUT}, {@code REDIS_CACHE_URL}, {@code REDIS_WAIT_REPLICAS},
 * {@code REDIS_WAIT_TIMEOUT_MS}, {@code REDIS_REQUEST_QUEUE_SIZE}, {@code REDIS_LAZY_CONNECT});
 * {@link #builder()} sets the same values in code. A bad value throws {@link InvalidSettingException} naming the
 * variable and what was expected. {@link #toString()} never shows a password, also not one inside a URL.
 *
 * @param host server host when no URL is given ({@code REDIS_HOST}, default {@code localhost})
 * @param port server port when no URL is given ({@code REDIS_PORT}, default 6379)
 * @param username ACL user name, or null for the default user ({@code REDIS_USERNAME})
 * @param password password, or null ({@code REDIS_PASSWORD}); never printed
 * @param database logical database ({@code REDIS_DB}, default 0; cluster mode has only 0)
 * @param url {@code redis://}, {@code rediss://} or {@code redis-sentinel://} address that wins over host and
 *     port ({@code REDIS_URL}), or null; its user information, read as {@link RedisUrl} describes, wins over
 *     {@code REDIS_USERNAME} and {@code REDIS_PASSWORD}, and its password may contain any character
 * @param tls whether to connect with TLS ({@code REDIS_TLS}; a {@code rediss://} URL implies it). Never falls back
 *     to plain text: a server that does not complete the handshake is unreachable
 * @param tlsCaFile PEM file of the CA certificates to trust ({@code REDIS_TLS_CA_FILE}), or null for the JVM's
 *     default trust store; needs TLS on
 * @param tlsVerifyHostname whether the server certificate must name the host connected to
 *     ({@code REDIS_TLS_VERIFY_HOSTNAME}, default true); false still checks that a trusted CA signed it
 * @param clusterNodes Redis Cluster seed nodes ({@code REDIS_CLUSTER_NODES}, comma separated); empty when not
 *     in cluster mode
 * @param sentinelMaster name of the master that Sentinel manages ({@code REDIS_SENTINEL_MASTER}), or null
 * @param sentinelNodes the sentinels to ask ({@code REDIS_SENTINEL_NODES}, comma separated)
 * @param connectTimeout bound on establishing a connection ({@code REDIS_CONNECT_TIMEOUT_MS}, default 3 s)
 * @param commandTimeout bound on every command ({@code REDIS_COMMAND_TIMEOUT_MS}, default 2 s)
 * @param maxRetriesPerRequest the seed's {@code REDIS_MAX_RETRIES_PER_REQUEST} (default 3): how many reconnects a
 *     read of the facade ({@code get}, {@code exists}, {@code hget}) that was in flight when the connection
 *     dropped may wait through before it fails, all within the command timeout; 0 fails it at once. Writes are
 *     never sent twice, whatever the value: a repeated INCR would count twice.
 * @param retryDelayOnClusterDown first reconnect delay in cluster mode ({@code REDIS_RETRY_DELAY_ON_CLUSTER_DOWN},
 *     default 100 ms)
 * @param retryDelayOnFailover first reconnect delay otherwise ({@code REDIS_RETRY_DELAY_ON_FAILOVER}, default
 *     50 ms); later delays grow with jitter up to about a second
 * @param keyPrefix prefix put before every key ({@code REDIS_KEY_PREFIX}, default none)
 * @param keyLayout key layout ({@code REDIS_KEY_LAYOUT}: {@code seed} by default, {@code cluster} when cluster
 *     nodes are given)
 * @param cacheUrl a separate server for the cache ({@code REDIS_CACHE_URL}), so a cache flood can never evict
 *     sessions, OTP state or lockout counters; null to share the main server
 * @param durability how many replicas confirm writes that ask for it ({@code REDIS_WAIT_REPLICAS},
 *     {@code REDIS_WAIT_TIMEOUT_MS}); {@link Durability#NONE} by default. The timeout must be shorter than the command
 *     timeout, which bounds the WAIT command too
 * @param maxValueBytes the largest value a capability or the facade writes ({@code REDIS_MAX_VALUE_BYTES}, default
 *     1 MiB): a larger session, cache entry (after compression), hash field, event or facade value is refused with
 *     an {@code IllegalArgumentException} before anything is sent, so it is never half-written
 * @param requestQueueSize the most commands that wait for a reply on one connection ({@code REDIS_REQUEST_QUEUE_SIZE},
 *     default {@value #DEFAULT_REQUEST_QUEUE_SIZE}): while a stalled server answers nothing, further commands fail at
 *     once with {@code RedisUnavailableException} instead of piling up in memory until their timeout
 * @param lazyConnect whether {@code start()} may return without Redis ({@code REDIS_LAZY_CONNECT}, default false, the
 *     seed's {@code lazyConnect}): the service then starts disconnected, its calls fail or degrade by each
 *     capability's failure policy, health is DOWN with the reason, and it connects on its own once Redis answers
 *     (an attempt at least every second or so). False fails start-up when Redis cannot be reached
 */
public record RedisSettings(
    String host,
    int port,
    @Nullable String username,
    @Nullable String password,
    int database,
    @Nullable String url,
    boolean tls,
    List<HostPort> clusterNodes,
    @Nullable String sentinelMaster,
    List<HostPort> sentinelNodes,
    Duration connectTimeout,
    Duration commandTimeout,
    int maxRetriesPerRequest,
    Duration retryDelayOnClusterDown,
    Duration retryDelayOnFailover,
    String keyPrefix,
    KeyLayout keyLayout,
    @Nullable String cacheUrl,
    @Nullable Path tlsCaFile,
    boolean tlsVerifyHostname,
    Durability durability,
    int maxValueBytes,
    int requestQueueSize, boolean lazyConnect) {

  /** Default host, as in the seed. */
  public static final String DEFAULT_HOST = "localhost";
  /** Default port, as in the seed. */
  public static final int DEFAULT_PORT = 6379;
  /** Default connect timeout: long enough for a TLS handshake across a region, short enough to fail start-up fast. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
  /** Default command timeout: a few seconds, instead of Lettuce's 60. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
  /** Default largest value: 1 MiB; a Redis value that size already stalls the server for every other client. */
  public static final int DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;
  /** Redis's own limit on one value (proto-max-bulk-len's default). */
  public static final int REDIS_MAX_VALUE_BYTES = 512 * 1024 * 1024;
  /** Default request queue size: far above what a healthy connection has in flight, a few MB of commands at most. */
  public static final int DEFAULT_REQUEST_QUEUE_SIZE = 10_000;

  /** Validates every component; see the component descriptions for the rules. */
  public RedisSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    Objects.requireNonNull(retryDelayOnClusterDown, "retryDelayOnClusterDown");
    Objects.requireNonNull(retryDelayOnFailover, "retryDelayOnFailover");
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    Objects.requireNonNull(keyLayout, "keyLayout");
    Objects.requireNonNull(durability, "durability");
    require(maxValueBytes >= 1 && maxValueBytes <= REDIS_MAX_VALUE_BYTES, "REDIS_MAX_VALUE_BYTES",
        "REDIS_MAX_VALUE_BYTES must be 1-" + REDIS_MAX_VALUE_BYTES + ", was " + maxValueBytes);
    require(requestQueueSize >= 1, "REDIS_REQUEST_QUEUE_SIZE",
        "REDIS_REQUEST_QUEUE_SIZE must be >= 1, was " + requestQueueSize);
    clusterNodes = List.copyOf(clusterNodes);
    // A rediss:// address is TLS whatever REDIS_TLS says, so every check of tls() sees it.
    tls = tls || (url != null && url.startsWith("rediss://"));
    sentinelNodes = List.copyOf(sentinelNodes);
    require(!host.isBlank(), "REDIS_HOST", "REDIS_HOST must not be empty");
    require(port >= 1 && port <= 65535, "REDIS_PORT", "REDIS_PORT must be 1-65535, was " + port);
    require(database >= 0, "REDIS_DB", "REDIS_DB must be >= 0, was " + database);
    requirePositive(connectTimeout, "REDIS_CONNECT_TIMEOUT_MS");
    requirePositive(commandTimeout, "REDIS_COMMAND_TIMEOUT_MS");
    require(maxRetriesPerRequest >= 0, "REDIS_MAX_RETRIES_PER_REQUEST",
        "REDIS_MAX_RETRIES_PER_REQUEST must be >= 0, was " + maxRetriesPerRequest);
    requireNotNegative(retryDelayOnClusterDown, "REDIS_RETRY_DELAY_ON_CLUSTER_DOWN");
    requireNotNegative(retryDelayOnFailover, "REDIS_RETRY_DELAY_ON_FAILOVER");
    if (url != null) {
      RedisUrl.parse(url, "REDIS_URL");
    }
    if (cacheUrl != null) {
      RedisUrl.parse(cacheUrl, "REDIS_CACHE_URL");
    }
    require(sentinelMaster == null || !sentinelNodes.isEmpty(), "REDIS_SENTINEL_NODES",
        "REDIS_SENTINEL_MASTER is set, so REDIS_SENTINEL_NODES must list at least one sentinel as host:port");
    require(sentinelNodes.isEmpty() || sentinelMaster != null, "REDIS_SENTINEL_MASTER",
        "REDIS_SENTINEL_NODES is set, so REDIS_SENTINEL_MASTER must name the master");
    if (!clusterNodes.isEmpty()) {
      require(sentinelMaster == null, "REDIS_CLUSTER_NODES",
          "REDIS_CLUSTER_NODES and REDIS_SENTINEL_MASTER exclude each other: choose cluster or sentinel");
      require(database == 0, "REDIS_DB",
          "REDIS_DB must be 0 with REDIS_CLUSTER_NODES: Redis Cluster has only database 0");
      require(keyLayout == KeyLayout.CLUSTER, "REDIS_KEY_LAYOUT",
          "REDIS_KEY_LAYOUT must be cluster with REDIS_CLUSTER_NODES: the seed layout spreads one user's keys over"
              + " several slots, so its scripts would fail with CROSSSLOT");
    }
    if (tlsCaFile != null) {
      require(tls, "REDIS_TLS_CA_FILE",
          "REDIS_TLS_CA_FILE is set, so REDIS_TLS must be true (or REDIS_URL rediss://): the CA is for TLS");
      require(Files.isRegularFile(tlsCaFile) && Files.isReadable(tlsCaFile), "REDIS_TLS_CA_FILE",
          "REDIS_TLS_CA_FILE must be a readable PEM file of CA certificates, was \"" + tlsCaFile + "\"");
    }
    require(!durability.isEnabled() || durability.timeout().compareTo(commandTimeout) < 0, "REDIS_WAIT_TIMEOUT_MS",
        "REDIS_WAIT_TIMEOUT_MS must be shorter than REDIS_COMMAND_TIMEOUT_MS (" + commandTimeout.toMillis()
            + "), was " + durability.timeout().toMillis() + ": the command timeout also bounds WAIT");
    try {
      Keys.of(keyLayout, keyPrefix);
    } catch (IllegalArgumentException badPrefix) {
      throw new InvalidSettingException("REDIS_KEY_PREFIX", "REDIS_KEY_PREFIX: " + badPrefix.getMessage());
    }
  }

  /** Settings from the process environment ({@link System#getenv()}). */
  public static RedisSettings fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * Settings from the given variables; unset or blank variables take their defaults.
   *
   * @throws InvalidSettingException naming the first variable whose value cannot be used
   */
  public static RedisSettings fromEnvironment(Map<String, String> variables) {
    Environment env = new Environment(variables);
    Builder builder = builder()
        .host(Objects.requireNonNullElse(env.text("REDIS_HOST"), DEFAULT_HOST))
        .port(env.integer("REDIS_PORT", 1, 65535, DEFAULT_PORT))
        .username(env.text("REDIS_USERNAME"))
        .password(env.text("REDIS_PASSWORD"))
        .database(env.integer("REDIS_DB", 0, Integer.MAX_VALUE, 0))
        .url(env.text("REDIS_URL"))
        .tls(env.flag("REDIS_TLS", false))
        .clusterNodes(env.hostPorts("REDIS_CLUSTER_NODES"))
        .sentinelMaster(env.text("REDIS_SENTINEL_MASTER"))
        .sentinelNodes(env.hostPorts("REDIS_SENTINEL_NODES"))
        .connectTimeout(env.millis("REDIS_CONNECT_TIMEOUT_MS", 1, DEFAULT_CONNECT_TIMEOUT))
        .commandTimeout(env.millis("REDIS_COMMAND_TIMEOUT_MS", 1, DEFAULT_COMMAND_TIMEOUT))
        .maxRetriesPerRequest(env.integer("REDIS_MAX_RETRIES_PER_REQUEST", 0, Integer.MAX_VALUE, 3))
        .retryDelayOnClusterDown(env.millis("REDIS_RETRY_DELAY_ON_CLUSTER_DOWN", 0, Duration.ofMillis(100)))
        .retryDelayOnFailover(env.millis("REDIS_RETRY_DELAY_ON_FAILOVER", 0, Duration.ofMillis(50)))
        .keyPrefix(Objects.requireNonNullElse(env.text("REDIS_KEY_PREFIX"), ""))
        .cacheUrl(env.text("REDIS_CACHE_URL"))
        .tlsCaFile(env.path("REDIS_TLS_CA_FILE"))
        .tlsVerifyHostname(env.flag("REDIS_TLS_VERIFY_HOSTNAME", true))
        .durability(new Durability(env.integer("REDIS_WAIT_REPLICAS", 0, Integer.MAX_VALUE, 0),
            env.millis("REDIS_WAIT_TIMEOUT_MS", 1, Durability.NONE.timeout())))
        .maxValueBytes(env.integer("REDIS_MAX_VALUE_BYTES", 1, REDIS_MAX_VALUE_BYTES, DEFAULT_MAX_VALUE_BYTES))
        .requestQueueSize(env.integer("REDIS_REQUEST_QUEUE_SIZE", 1, Integer.MAX_VALUE, DEFAULT_REQUEST_QUEUE_SIZE))
        .lazyConnect(env.flag("REDIS_LAZY_CONNECT", false));
    String layout = env.text("REDIS_KEY_LAYOUT");
    if (layout != null) {
      try {
        builder.keyLayout(KeyLayout.parse(layout));
      } catch (IllegalArgumentException unknown) {
        throw new InvalidSettingException("REDIS_KEY_LAYOUT",
            "REDIS_KEY_LAYOUT must be seed or cluster, was \"" + layout + "\"");
      }
    }
    return builder.build();
  }

  /** The defaults: {@code localhost:6379}, database 0, seed key layout, no password. */
  public static RedisSettings defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Whether these settings address a Redis Cluster. */
  public boolean isCluster() {
    return !clusterNodes.isEmpty();
  }

  /** Whether these settings address a Sentinel-managed master, by variables or by a {@code redis-sentinel://} URL. */
  public boolean isSentinel() {
    return sentinelMaster != null || (url != null && url.startsWith("redis-sentinel"));
  }

  /**
   * The settings for the cache's server: with {@code REDIS_CACHE_URL} set, these settings pointed at that URL, which
   * carries its own credentials and TLS ({@code rediss://}) and replaces the main address, password, Sentinel and
   * cluster settings; without it, these settings unchanged, so the cache shares the main server. Timeouts, retries,
   * key prefix and layout stay. A separate cache server runs {@code maxmemory-policy allkeys-lru}, so a cache flood
   * evicts only cache entries and never the sessions, OTP state and lockout counters on the main, {@code noeviction}
   * server.
   */
  public RedisSettings forCache() {
    if (cacheUrl == null) {
      return this;
    }
    return toBuilder().url(cacheUrl).username(null).password(null).tls(false).clusterNodes(List.of())
        .sentinelMaster(null).sentinelNodes(List.of()).build();
  }

  /** Where the client connects, for messages and logs: never contains a password. */
  public String describeEndpoint() {
    if (isCluster()) {
      return "cluster " + join(clusterNodes);
    }
    if (sentinelMaster != null) {
      return "sentinel master " + sentinelMaster + " via " + join(sentinelNodes);
    }
    if (url != null) {
      RedisURI parsed = RedisUrl.parse(url, "REDIS_URL").toRedisUri();
      return parsed.getSentinels().isEmpty()
          ? new HostPort(parsed.getHost(), parsed.getPort()).toString()
          : "sentinel master " + parsed.getSentinelMasterId() + " via " + parsed.getSentinels().stream()
              .map(sentinel -> new HostPort(sentinel.getHost(), sentinel.getPort()).toString())
              .reduce((a, b) -> a + "," + b).orElse("");
    }
    return new HostPort(host, port).toString();
  }

  @Override
  public String toString() {
    return "RedisSettings[endpoint=" + describeEndpoint()
        + (url == null ? "" : ", url=" + RedisUrl.parse(url, "REDIS_URL"))
        + ", username=" + username
        + ", password=" + (password == null ? "none" : "****")
        + ", database=" + database
        + ", tls=" + tls
        + (tlsCaFile == null ? "" : ", tlsCaFile=" + tlsCaFile)
        + (tls && !tlsVerifyHostname ? ", tlsVerifyHostname=false" : "")
        + ", connectTimeout=" + connectTimeout
        + ", commandTimeout=" + commandTimeout
        + ", maxRetriesPerRequest=" + maxRetriesPerRequest
        + ", retryDelayOnClusterDown=" + retryDelayOnClusterDown
        + ", retryDelayOnFailover=" + retryDelayOnFailover
        + ", keyPrefix=" + keyPrefix
        + ", keyLayout=" + keyLayout
        + ", cacheUrl=" + (cacheUrl == null ? "none" : RedisUrl.parse(cacheUrl, "REDIS_CACHE_URL"))
        + (durability.isEnabled() ? ", durability=WAIT " + durability.replicas() + " " + durability.timeout().toMillis()
            + " ms" : "")
        + ", maxValueBytes=" + maxValueBytes
        + ", requestQueueSize=" + requestQueueSize
        + (lazyConnect ? ", lazyConnect=true" : "")
        + "]";
  }

  private static String join(List<HostPort> nodes) {
    return nodes.stream().map(HostPort::toString).reduce((a, b) -> a + "," + b).orElse("");
  }

  private static void require(boolean condition, String setting, String message) {
    if (!condition) {
      throw new InvalidSettingException(setting, message);
    }
  }

  private static void requirePositive(Duration value, String setting) {
    require(!value.isNegative() && !value.isZero(), setting, setting + " must be > 0, was " + value.toMillis());
  }

  private static void requireNotNegative(Duration value, String setting) {
    require(!value.isNegative(), setting, setting + " must be >= 0, was " + value.toMillis());
  }

  /** Builds {@link RedisSettings}; starts from the defaults. Not thread-safe. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private @Nullable String username;
    private @Nullable String password;
    private int database;
    private @Nullable String url;
    private boolean tls;
    private List<HostPort> clusterNodes = List.of();
    private @Nullable String sentinelMaster;
    private List<HostPort> sentinelNodes = List.of();
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private int maxRetriesPerRequest = 3;
    private Duration retryDelayOnClusterDown = Duration.ofMillis(100);
    private Duration retryDelayOnFailover = Duration.ofMillis(50);
    private String keyPrefix = "";
    private @Nullable KeyLayout keyLayout;
    private @Nullable String cacheUrl;
    private @Nullable Path tlsCaFile;
    private boolean tlsVerifyHostname = true;
    private Durability durability = Durability.NONE;
    private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
    private int requestQueueSize = DEFAULT_REQUEST_QUEUE_SIZE;
    private boolean lazyConnect;

    private Builder() {}

    private Builder(RedisSettings from) {
      host = from.host;
      port = from.port;
      username = from.username;
      password = from.password;
      database = from.database;
      url = from.url;
      tls = from.tls;
      clusterNodes = from.clusterNodes;
      sentinelMaster = from.sentinelMaster;
      sentinelNodes = from.sentinelNodes;
      connectTimeout = from.connectTimeout;
      commandTimeout = from.commandTimeout;
      maxRetriesPerRequest = from.maxRetriesPerRequest;
      retryDelayOnClusterDown = from.retryDelayOnClusterDown;
      retryDelayOnFailover = from.retryDelayOnFailover;
      keyPrefix = from.keyPrefix;
      keyLayout = from.keyLayout;
      cacheUrl = from.cacheUrl;
      tlsCaFile = from.tlsCaFile;
      tlsVerifyHostname = from.tlsVerifyHostname;
      durability = from.durability;
      maxValueBytes = from.maxValueBytes;
      requestQueueSize = from.requestQueueSize;
      lazyConnect = from.lazyConnect;
    }

    /** Server host when no URL is given. */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** Server port when no URL is given. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** ACL user name, or null for the default user. */
    public Builder username(@Nullable String username) {
      this.username = username;
      return this;
    }

    /** Password, or null. */
    public Builder password(@Nullable String password) {
      this.password = password;
      return this;
    }

    /** Logical database number. */
    public Builder database(int database) {
      this.database = database;
      return this;
    }

    /** A {@code redis://}, {@code rediss://} or {@code redis-sentinel://} address that wins over host and port. */
    public Builder url(@Nullable String url) {
      this.url = url;
      return this;
    }

    /** Whether to connect with TLS. */
    public Builder tls(boolean tls) {
      this.tls = tls;
      return this;
    }

    /** Redis Cluster seed nodes; empty for a single server or Sentinel. */
    public Builder clusterNodes(List<HostPort> clusterNodes) {
      this.clusterNodes = clusterNodes;
      return this;
    }

    /** Name of the Sentinel-managed master, or null. */
    public Builder sentinelMaster(@Nullable String sentinelMaster) {
      this.sentinelMaster = sentinelMaster;
      return this;
    }

    /** The sentinels to ask for the master. */
    public Builder sentinelNodes(List<HostPort> sentinelNodes) {
      this.sentinelNodes = sentinelNodes;
      return this;
    }

    /** Bound on establishing a connection. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /** Bound on every command. */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
      return this;
    }

    /** How many reconnects an interrupted facade read may wait through; 0 fails it at once. */
    public Builder maxRetriesPerRequest(int maxRetriesPerRequest) {
      this.maxRetriesPerRequest = maxRetriesPerRequest;
      return this;
    }

    /** First reconnect delay in cluster mode. */
    public Builder retryDelayOnClusterDown(Duration retryDelayOnClusterDown) {
      this.retryDelayOnClusterDown = retryDelayOnClusterDown;
      return this;
    }

    /** First reconnect delay for a single server or Sentinel. */
    public Builder retryDelayOnFailover(Duration retryDelayOnFailover) {
      this.retryDelayOnFailover = retryDelayOnFailover;
      return this;
    }

    /** Prefix put before every key. */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
      return this;
    }

    /** Key layout; when never set, {@code cluster} with cluster nodes and {@code seed} otherwise. */
    public Builder keyLayout(KeyLayout keyLayout) {
      this.keyLayout = keyLayout;
      return this;
    }

    /** A separate server for the cache, or null to share the main one. */
    public Builder cacheUrl(@Nullable String cacheUrl) {
      this.cacheUrl = cacheUrl;
      return this;
    }

    /** PEM file of the CA certificates to trust for TLS, or null for the JVM's trust store. */
    public Builder tlsCaFile(@Nullable Path tlsCaFile) {
      this.tlsCaFile = tlsCaFile;
      return this;
    }

    /** Whether the server certificate must name the host connected to; true by default. */
    public Builder tlsVerifyHostname(boolean tlsVerifyHostname) {
      this.tlsVerifyHostname = tlsVerifyHostname;
      return this;
    }

    /** How many replicas confirm writes that ask for it; {@link Durability#NONE} by default. */
    public Builder durability(Durability durability) {
      this.durability = durability;
      return this;
    }

    /** The largest value written, in bytes; 1 MiB by default. */
    public Builder maxValueBytes(int maxValueBytes) {
      this.maxValueBytes = maxValueBytes;
      return this;
    }

    /** The most commands waiting for a reply on one connection; {@value #DEFAULT_REQUEST_QUEUE_SIZE} by default. */
    public Builder requestQueueSize(int requestQueueSize) {
      this.requestQueueSize = requestQueueSize;
      return this;
    }

    /** Whether {@code start()} may return without Redis and connect once it answers; false by default. */
    public Builder lazyConnect(boolean lazyConnect) {
      this.lazyConnect = lazyConnect;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws InvalidSettingException naming the setting that cannot be used
     */
    public RedisSettings build() {
      KeyLayout layout = keyLayout != null ? keyLayout : clusterNodes.isEmpty() ? KeyLayout.SEED : KeyLayout.CLUSTER;
      return new RedisSettings(host, port, username, password, database, url, tls, clusterNodes, sentinelMaster,
          sentinelNodes, connectTimeout, commandTimeout, maxRetriesPerRequest, retryDelayOnClusterDown,
          retryDelayOnFailover, keyPrefix, layout, cacheUrl, tlsCaFile, tlsVerifyHostname, durability, maxValueBytes,
          requestQueueSize, lazyConnect);
    }
  }
}
