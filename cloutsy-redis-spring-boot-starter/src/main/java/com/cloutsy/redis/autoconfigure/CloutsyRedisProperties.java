package com.cloutsy.redis.autoconfigure;

import com.cloutsy.redis.keys.KeyLayout;
import com.cloutsy.redis.ratelimit.Algorithm;
import com.cloutsy.redis.ratelimit.FailurePolicy;
import com.cloutsy.redis.session.SessionPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code cloutsy.redis.*} properties. The connection properties default to unset: an unset one keeps the value
 * of its {@code REDIS_*} environment variable (named in each description), and a set one wins over the variable.
 * The policy properties default to the core library's defaults.
 */
@ConfigurationProperties(prefix = "cloutsy.redis")
public class CloutsyRedisProperties {

  /** Whether to auto-configure cloutsy-redis at all. */
  private boolean enabled = true;

  /** Server host when no URL is given (REDIS_HOST; default localhost). */
  private @Nullable String host;

  /** Server port when no URL is given (REDIS_PORT; default 6379). */
  private @Nullable Integer port;

  /** ACL user name (REDIS_USERNAME; default the default user). */
  private @Nullable String username;

  /** Password (REDIS_PASSWORD; default none). */
  private @Nullable String password;

  /** Logical database (REDIS_DB; default 0). */
  private @Nullable Integer database;

  /** A redis://, rediss:// or redis-sentinel:// address that wins over host and port (REDIS_URL). */
  private @Nullable String url;

  /** Whether to connect with TLS (REDIS_TLS; default false; a rediss:// URL implies it). */
  private @Nullable Boolean tls;

  /** Redis Cluster seed nodes as host:port (REDIS_CLUSTER_NODES). */
  private @Nullable List<String> clusterNodes;

  /** Name of the Sentinel-managed master (REDIS_SENTINEL_MASTER). */
  private @Nullable String sentinelMaster;

  /** The sentinels to ask for the master, as host:port (REDIS_SENTINEL_NODES). */
  private @Nullable List<String> sentinelNodes;

  /** Bound on establishing a connection (REDIS_CONNECT_TIMEOUT_MS; default 3s). */
  private @Nullable Duration connectTimeout;

  /** Bound on every command (REDIS_COMMAND_TIMEOUT_MS; default 2s). */
  private @Nullable Duration commandTimeout;

  /**
   * How many reconnects an interrupted read of the facade may wait through (REDIS_MAX_RETRIES_PER_REQUEST; default 3).
   */
  private @Nullable Integer maxRetriesPerRequest;

  /** First reconnect delay in cluster mode (REDIS_RETRY_DELAY_ON_CLUSTER_DOWN; default 100ms). */
  private @Nullable Duration retryDelayOnClusterDown;

  /** First reconnect delay for a single server or Sentinel (REDIS_RETRY_DELAY_ON_FAILOVER; default 50ms). */
  private @Nullable Duration retryDelayOnFailover;

  /** Prefix put before every key, from A-Z a-z 0-9 . _ : - (REDIS_KEY_PREFIX; default none). */
  private @Nullable String keyPrefix;

  /** Key layout: seed for the NestJS module's names, cluster for hash-tagged ones (REDIS_KEY_LAYOUT; default seed). */
  private @Nullable KeyLayout keyLayout;

  /** A separate server for the cache, so a cache flood cannot evict security state (REDIS_CACHE_URL). */
  private @Nullable String cacheUrl;

  /** PEM file of the CA certificates to trust for TLS; unset uses the JVM's trust store (REDIS_TLS_CA_FILE). */
  private @Nullable String tlsCaFile;

  /** Whether the server certificate must name the host connected to (REDIS_TLS_VERIFY_HOSTNAME; default true). */
  private @Nullable Boolean tlsVerifyHostname;

  /** Replicas that must confirm durable writes such as session creation; 0 turns WAIT off (REDIS_WAIT_REPLICAS). */
  private @Nullable Integer waitReplicas;

  /** How long a durable write waits for its replicas, below the command timeout (REDIS_WAIT_TIMEOUT_MS). */
  private @Nullable Duration waitTimeout;

  /** The largest value written, in bytes; larger ones are refused before anything is sent (REDIS_MAX_VALUE_BYTES). */
  private @Nullable Integer maxValueBytes;

  /** Commands that may wait for a reply on one connection; past it they fail at once (REDIS_REQUEST_QUEUE_SIZE). */
  private @Nullable Integer requestQueueSize;
  /** Whether to start without Redis and connect once it answers, health DOWN meanwhile (REDIS_LAZY_CONNECT). */
  private @Nullable Boolean lazyConnect;

  /** Whether to run on the Lettuce ClientResources bean of Spring Data Redis or the application, when there is one. */
  private boolean shareClientResources = true;

  private final Session session = new Session();
  private final Otp otp = new Otp();
  private final Login login = new Login();
  private final RateLimit rateLimit = new RateLimit();
  private final Cache cache = new Cache();
  private final Pubsub pubsub = new Pubsub();
  private final Health health = new Health();
  private final Diagnostics diagnostics = new Diagnostics();
  private final Metrics metrics = new Metrics();
  private final Web web = new Web();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public @Nullable String getHost() {
    return host;
  }

  public void setHost(@Nullable String host) {
    this.host = host;
  }

  public @Nullable Integer getPort() {
    return port;
  }

  public void setPort(@Nullable Integer port) {
    this.port = port;
  }

  public @Nullable String getUsername() {
    return username;
  }

  public void setUsername(@Nullable String username) {
    this.username = username;
  }

  public @Nullable String getPassword() {
    return password;
  }

  public void setPassword(@Nullable String password) {
    this.password = password;
  }

  public @Nullable Integer getDatabase() {
    return database;
  }

  public void setDatabase(@Nullable Integer database) {
    this.database = database;
  }

  public @Nullable String getUrl() {
    return url;
  }

  public void setUrl(@Nullable String url) {
    this.url = url;
  }

  public @Nullable Boolean getTls() {
    return tls;
  }

  public void setTls(@Nullable Boolean tls) {
    this.tls = tls;
  }

  public @Nullable List<String> getClusterNodes() {
    return clusterNodes;
  }

  public void setClusterNodes(@Nullable List<String> clusterNodes) {
    this.clusterNodes = clusterNodes;
  }

  public @Nullable String getSentinelMaster() {
    return sentinelMaster;
  }

  public void setSentinelMaster(@Nullable String sentinelMaster) {
    this.sentinelMaster = sentinelMaster;
  }

  public @Nullable List<String> getSentinelNodes() {
    return sentinelNodes;
  }

  public void setSentinelNodes(@Nullable List<String> sentinelNodes) {
    this.sentinelNodes = sentinelNodes;
  }

  public @Nullable Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(@Nullable Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public @Nullable Duration getCommandTimeout() {
    return commandTimeout;
  }

  public void setCommandTimeout(@Nullable Duration commandTimeout) {
    this.commandTimeout = commandTimeout;
  }

  public @Nullable Integer getMaxRetriesPerRequest() {
    return maxRetriesPerRequest;
  }

  public void setMaxRetriesPerRequest(@Nullable Integer maxRetriesPerRequest) {
    this.maxRetriesPerRequest = maxRetriesPerRequest;
  }

  public @Nullable Duration getRetryDelayOnClusterDown() {
    return retryDelayOnClusterDown;
  }

  public void setRetryDelayOnClusterDown(@Nullable Duration retryDelayOnClusterDown) {
    this.retryDelayOnClusterDown = retryDelayOnClusterDown;
  }

  public @Nullable Duration getRetryDelayOnFailover() {
    return retryDelayOnFailover;
  }

  public void setRetryDelayOnFailover(@Nullable Duration retryDelayOnFailover) {
    this.retryDelayOnFailover = retryDelayOnFailover;
  }

  public @Nullable String getKeyPrefix() {
    return keyPrefix;
  }

  public void setKeyPrefix(@Nullable String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  public @Nullable KeyLayout getKeyLayout() {
    return keyLayout;
  }

  public void setKeyLayout(@Nullable KeyLayout keyLayout) {
    this.keyLayout = keyLayout;
  }

  public @Nullable String getCacheUrl() {
    return cacheUrl;
  }

  public void setCacheUrl(@Nullable String cacheUrl) {
    this.cacheUrl = cacheUrl;
  }

  public @Nullable String getTlsCaFile() {
    return tlsCaFile;
  }

  public void setTlsCaFile(@Nullable String tlsCaFile) {
    this.tlsCaFile = tlsCaFile;
  }

  public @Nullable Boolean getTlsVerifyHostname() {
    return tlsVerifyHostname;
  }

  public void setTlsVerifyHostname(@Nullable Boolean tlsVerifyHostname) {
    this.tlsVerifyHostname = tlsVerifyHostname;
  }

  public @Nullable Integer getWaitReplicas() {
    return waitReplicas;
  }

  public void setWaitReplicas(@Nullable Integer waitReplicas) {
    this.waitReplicas = waitReplicas;
  }

  public @Nullable Duration getWaitTimeout() {
    return waitTimeout;
  }

  public void setWaitTimeout(@Nullable Duration waitTimeout) {
    this.waitTimeout = waitTimeout;
  }

  public @Nullable Integer getMaxValueBytes() {
    return maxValueBytes;
  }

  public void setMaxValueBytes(@Nullable Integer maxValueBytes) {
    this.maxValueBytes = maxValueBytes;
  }

  public @Nullable Integer getRequestQueueSize() {
    return requestQueueSize;
  }

  public void setRequestQueueSize(@Nullable Integer requestQueueSize) {
    this.requestQueueSize = requestQueueSize;
  }

  public @Nullable Boolean getLazyConnect() {
    return lazyConnect;
  }

  public void setLazyConnect(@Nullable Boolean lazyConnect) {
    this.lazyConnect = lazyConnect;
  }

  public boolean isShareClientResources() {
    return shareClientResources;
  }

  public void setShareClientResources(boolean shareClientResources) {
    this.shareClientResources = shareClientResources;
  }

  public Session getSession() {
    return session;
  }

  public Otp getOtp() {
    return otp;
  }

  public Login getLogin() {
    return login;
  }

  public RateLimit getRateLimit() {
    return rateLimit;
  }

  public Cache getCache() {
    return cache;
  }

  public Pubsub getPubsub() {
    return pubsub;
  }

  public Health getHealth() {
    return health;
  }

  public Diagnostics getDiagnostics() {
    return diagnostics;
  }

  public Metrics getMetrics() {
    return metrics;
  }

  public Web getWeb() {
    return web;
  }

  /** {@code cloutsy.redis.session.*}: the SessionStore bean and its SessionPolicy. */
  public static class Session {

    /** Whether to create the SessionStore bean. */
    private boolean enabled = true;

    /** How long a new session lives without being touched. */
    private Duration ttl = Duration.ofDays(7);

    /** The sliding expiry: each touch sets the remaining lifetime to this. */
    private Duration idleTimeout = Duration.ofDays(7);

    /** How long after its creation a session ends, however often it is touched. */
    private Duration absoluteLifetime = Duration.ofDays(30);

    /**
     * Most sessions per user (up to 512), the oldest evicted beyond it; 0 for no limit, which makes the flows over a
     * large index stepwise rather than atomic.
     */
    private int maxPerUser = SessionPolicy.DEFAULT_MAX_SESSIONS_PER_USER;

    /**
     * Whether the index sessions:{userId} expires with its longest-lived session (off while seed code also writes it).
     */
    private boolean expireIndex = true;

    private final Encryption encryption = new Encryption();

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getTtl() {
      return ttl;
    }

    public void setTtl(Duration ttl) {
      this.ttl = ttl;
    }

    public Duration getIdleTimeout() {
      return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
    }

    public Duration getAbsoluteLifetime() {
      return absoluteLifetime;
    }

    public void setAbsoluteLifetime(Duration absoluteLifetime) {
      this.absoluteLifetime = absoluteLifetime;
    }

    public int getMaxPerUser() {
      return maxPerUser;
    }

    public void setMaxPerUser(int maxPerUser) {
      this.maxPerUser = maxPerUser;
    }

    public boolean isExpireIndex() {
      return expireIndex;
    }

    public void setExpireIndex(boolean expireIndex) {
      this.expireIndex = expireIndex;
    }

    public Encryption getEncryption() {
      return encryption;
    }

    /** {@code cloutsy.redis.session.encryption.*}: AES-GCM keys for the session values at rest. */
    public static class Encryption {

      /** Id of the key new session values are encrypted with; unset stores the seed's plain JSON. */
      private @Nullable String currentKeyId;

      /** AES keys (Base64 of 16, 24 or 32 bytes) by key id; keep old ids readable while rotating. */
      private Map<String, String> keys = new LinkedHashMap<>();

      public @Nullable String getCurrentKeyId() {
        return currentKeyId;
      }

      public void setCurrentKeyId(@Nullable String currentKeyId) {
        this.currentKeyId = currentKeyId;
      }

      public Map<String, String> getKeys() {
        return keys;
      }

      public void setKeys(Map<String, String> keys) {
        this.keys = keys;
      }
    }
  }

  /** {@code cloutsy.redis.otp.*}: the OtpGuard bean and its OtpPolicy. */
  public static class Otp {

    /** Whether to create the OtpGuard bean (it also needs an OtpSender bean). */
    private boolean enabled = true;

    /** HMAC key codes and verification tickets are stored under: Base64 of at least 32 random bytes. */
    private @Nullable String secret;

    /** Whether to generate a random secret when none is set: for a developer's machine only. */
    private boolean generateDevSecret = false;

    /** Digits per code, 4-10. */
    private int codeLength = 6;

    /** How long a code can be verified, at most 10 minutes. */
    private Duration codeTtl = Duration.ofMinutes(5);

    /** The least time between two requests for one phone. */
    private Duration cooldown = Duration.ofSeconds(60);

    /** Requests per phone in one quota window. */
    private int requestQuota = 5;

    /** The quota window, which starts at the first request and is never extended. */
    private Duration quotaWindow = Duration.ofMinutes(15);

    /** Verification attempts per code. */
    private int maxAttempts = 5;

    /** How long a verified phone stays verified unless the verification is consumed. */
    private Duration verifiedTtl = Duration.ofMinutes(15);

    /**
     * Whether a verification without a ticket (the seed's bare "1", which anyone who knows the phone can spend) may
     * be consumed: only while a service on the seed's code verifies phones against the same Redis. Unset, the
     * variable REDIS_OTP_ACCEPT_UNBOUND_VERIFICATION decides; off by default.
     */
    private @Nullable Boolean acceptUnboundVerification;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public @Nullable String getSecret() {
      return secret;
    }

    public void setSecret(@Nullable String secret) {
      this.secret = secret;
    }

    public boolean isGenerateDevSecret() {
      return generateDevSecret;
    }

    public @Nullable Boolean getAcceptUnboundVerification() {
      return acceptUnboundVerification;
    }

    public void setAcceptUnboundVerification(@Nullable Boolean acceptUnboundVerification) {
      this.acceptUnboundVerification = acceptUnboundVerification;
    }

    public void setGenerateDevSecret(boolean generateDevSecret) {
      this.generateDevSecret = generateDevSecret;
    }

    public int getCodeLength() {
      return codeLength;
    }

    public void setCodeLength(int codeLength) {
      this.codeLength = codeLength;
    }

    public Duration getCodeTtl() {
      return codeTtl;
    }

    public void setCodeTtl(Duration codeTtl) {
      this.codeTtl = codeTtl;
    }

    public Duration getCooldown() {
      return cooldown;
    }

    public void setCooldown(Duration cooldown) {
      this.cooldown = cooldown;
    }

    public int getRequestQuota() {
      return requestQuota;
    }

    public void setRequestQuota(int requestQuota) {
      this.requestQuota = requestQuota;
    }

    public Duration getQuotaWindow() {
      return quotaWindow;
    }

    public void setQuotaWindow(Duration quotaWindow) {
      this.quotaWindow = quotaWindow;
    }

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getVerifiedTtl() {
      return verifiedTtl;
    }

    public void setVerifiedTtl(Duration verifiedTtl) {
      this.verifiedTtl = verifiedTtl;
    }
  }

  /** {@code cloutsy.redis.login.*}: the LoginGuard bean and its LoginPolicy. */
  public static class Login {

    /** Whether to create the LoginGuard bean. */
    private boolean enabled = true;

    /** Failures of one identifier from one address (default 5 in 15m, locked for 15m). */
    private final Threshold pair = Threshold.of(5, Duration.ofMinutes(15), Duration.ofMinutes(15));

    /**
     * Failures of one identifier from any address, at most 100 and no fewer than the pair's (default 20 in 1h, 15m).
     */
    private final Threshold identifier = Threshold.of(20, Duration.ofHours(1), Duration.ofMinutes(15));

    /** Failures from one address across identifiers (default 50 in 15m, locked for 15m). */
    private final Threshold address = Threshold.of(50, Duration.ofMinutes(15), Duration.ofMinutes(15));

    /** Failures of one identifier from one known device, the only counter its logins count against (5 in 15m, 15m). */
    private final Threshold device = Threshold.of(5, Duration.ofMinutes(15), Duration.ofMinutes(15));

    /**
     * HMAC key of known-device tokens, Base64 of at least 32 random bytes, the same on every instance; unset, logins
     * from known devices are not told apart and an attacker can lock an identifier for everyone.
     */
    private @Nullable String deviceSecret;

    /** Whether to generate a random device secret when none is set: for a developer's machine only. */
    private boolean generateDevDeviceSecret = false;

    /** Longest a lockout may grow to by doubling; at or below the thresholds' lockouts, lockouts do not grow. */
    private Duration maxLockout = Duration.ofMinutes(15);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Threshold getPair() {
      return pair;
    }

    public Threshold getIdentifier() {
      return identifier;
    }

    public Threshold getAddress() {
      return address;
    }

    public Threshold getDevice() {
      return device;
    }

    public @Nullable String getDeviceSecret() {
      return deviceSecret;
    }

    public void setDeviceSecret(@Nullable String deviceSecret) {
      this.deviceSecret = deviceSecret;
    }

    public boolean isGenerateDevDeviceSecret() {
      return generateDevDeviceSecret;
    }

    public void setGenerateDevDeviceSecret(boolean generateDevDeviceSecret) {
      this.generateDevDeviceSecret = generateDevDeviceSecret;
    }

    public Duration getMaxLockout() {
      return maxLockout;
    }

    public void setMaxLockout(Duration maxLockout) {
      this.maxLockout = maxLockout;
    }

    /** When one failure counter locks. */
    public static class Threshold {

      /** Failures that lock, counted from the first one in a window. */
      private @Nullable Integer maxFailures;

      /** How long failures are counted before the count starts again. */
      private @Nullable Duration window;

      /** How long the lockout lasts. */
      private @Nullable Duration lockout;

      static Threshold of(int maxFailures, Duration window, Duration lockout) {
        Threshold threshold = new Threshold();
        threshold.setMaxFailures(maxFailures);
        threshold.setWindow(window);
        threshold.setLockout(lockout);
        return threshold;
      }

      public @Nullable Integer getMaxFailures() {
        return maxFailures;
      }

      public void setMaxFailures(@Nullable Integer maxFailures) {
        this.maxFailures = maxFailures;
      }

      public @Nullable Duration getWindow() {
        return window;
      }

      public void setWindow(@Nullable Duration window) {
        this.window = window;
      }

      public @Nullable Duration getLockout() {
        return lockout;
      }

      public void setLockout(@Nullable Duration lockout) {
        this.lockout = lockout;
      }
    }
  }

  /** {@code cloutsy.redis.rate-limit.*}: the RateLimiter and Cooldown beans. */
  public static class RateLimit {

    /** Whether to create the RateLimiter and Cooldown beans. */
    private boolean enabled = true;

    /**
     * What the RateLimiter and Cooldown beans do while Redis cannot be asked: fail-closed throws, fail-open decides
     * locally.
     */
    private FailurePolicy failurePolicy = FailurePolicy.FAIL_CLOSED;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public FailurePolicy getFailurePolicy() {
      return failurePolicy;
    }

    public void setFailurePolicy(FailurePolicy failurePolicy) {
      this.failurePolicy = failurePolicy;
    }
  }

  /** {@code cloutsy.redis.cache.*}: the RedisCache bean, its CachePolicy and the optional Spring CacheManager. */
  public static class Cache {

    /** Whether to create the RedisCache bean. */
    private boolean enabled = true;

    /** The RedisCache bean's name, for meters and logs. */
    private String name = "app";

    /** Lifetime of entries written by calls that name none. */
    private Duration defaultTtl = Duration.ofMinutes(10);

    /** How long a loader's "not found" is cached; 0 turns negative caching off. */
    private Duration negativeTtl = Duration.ofSeconds(30);

    /** Up to this share of each TTL is taken off at random, so keys written together do not expire together (0-100). */
    private int ttlJitterPercent = 10;

    /** Encoded values longer than this many bytes are stored compressed. */
    private int compressionThreshold = 1024;

    /** How eagerly a hot key is reloaded before it expires, in units of its load time; 0 turns early refresh off. */
    private double earlyRefreshBeta = 1.0;

    /** Whether to register a Spring CacheManager backed by Redis, so @Cacheable uses it (needs @EnableCaching). */
    private boolean springCacheManager = false;

    /** Lifetime of the entries of each named Spring cache; caches not listed use default-ttl. */
    private Map<String, Duration> ttls = new LinkedHashMap<>();

    /** Packages whose types the Spring cache may read back, besides java.* and the application's own packages. */
    private List<String> allowedPackages = new ArrayList<>();

    private final NearCache nearCache = new NearCache();

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public Duration getDefaultTtl() {
      return defaultTtl;
    }

    public void setDefaultTtl(Duration defaultTtl) {
      this.defaultTtl = defaultTtl;
    }

    public Duration getNegativeTtl() {
      return negativeTtl;
    }

    public void setNegativeTtl(Duration negativeTtl) {
      this.negativeTtl = negativeTtl;
    }

    public int getTtlJitterPercent() {
      return ttlJitterPercent;
    }

    public void setTtlJitterPercent(int ttlJitterPercent) {
      this.ttlJitterPercent = ttlJitterPercent;
    }

    public int getCompressionThreshold() {
      return compressionThreshold;
    }

    public void setCompressionThreshold(int compressionThreshold) {
      this.compressionThreshold = compressionThreshold;
    }

    public double getEarlyRefreshBeta() {
      return earlyRefreshBeta;
    }

    public void setEarlyRefreshBeta(double earlyRefreshBeta) {
      this.earlyRefreshBeta = earlyRefreshBeta;
    }

    public boolean isSpringCacheManager() {
      return springCacheManager;
    }

    public void setSpringCacheManager(boolean springCacheManager) {
      this.springCacheManager = springCacheManager;
    }

    public Map<String, Duration> getTtls() {
      return ttls;
    }

    public void setTtls(Map<String, Duration> ttls) {
      this.ttls = ttls;
    }

    public List<String> getAllowedPackages() {
      return allowedPackages;
    }

    public void setAllowedPackages(List<String> allowedPackages) {
      this.allowedPackages = allowedPackages;
    }

    public NearCache getNearCache() {
      return nearCache;
    }

    /** {@code cloutsy.redis.cache.near-cache.*}: values also kept in process memory, invalidated by Redis. */
    public static class NearCache {

      /** Most entries kept in process memory in front of Redis; 0 means no near cache. */
      private long size = 0;

      /** Longest time a near-cache entry is kept without a read from Redis. */
      private Duration ttl = Duration.ofMinutes(1);

      public long getSize() {
        return size;
      }

      public void setSize(long size) {
        this.size = size;
      }

      public Duration getTtl() {
        return ttl;
      }

      public void setTtl(Duration ttl) {
        this.ttl = ttl;
      }
    }
  }

  /** {@code cloutsy.redis.pubsub.*}: the EventBus bean and its EventBusPolicy. */
  public static class Pubsub {

    /** Whether to create the EventBus bean. */
    private boolean enabled = true;

    /** Most events waiting for one subscription's listener; newer ones are dropped and counted beyond it. */
    private int queueCapacity = 10_000;

    /** Threads that run listeners, shared by all subscriptions (1-256). */
    private int dispatchThreads = 4;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getQueueCapacity() {
      return queueCapacity;
    }

    public void setQueueCapacity(int queueCapacity) {
      this.queueCapacity = queueCapacity;
    }

    public int getDispatchThreads() {
      return dispatchThreads;
    }

    public void setDispatchThreads(int dispatchThreads) {
      this.dispatchThreads = dispatchThreads;
    }
  }

  /** {@code cloutsy.redis.health.*}: the HealthCheck bean, which the Actuator health indicator runs. */
  public static class Health {

    /** Whether to create the HealthCheck bean and, with Actuator, the redis health indicator. */
    private boolean enabled = true;

    /** How long one check may wait for Redis. */
    private Duration timeout = Duration.ofSeconds(1);

    /** Share of maxmemory above which the report is DEGRADED, in (0, 1]. */
    private double memoryThreshold = 0.9;

    /** PING round trip above which the report is DEGRADED. */
    private Duration latencyThreshold = Duration.ofMillis(200);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public double getMemoryThreshold() {
      return memoryThreshold;
    }

    public void setMemoryThreshold(double memoryThreshold) {
      this.memoryThreshold = memoryThreshold;
    }

    public Duration getLatencyThreshold() {
      return latencyThreshold;
    }

    public void setLatencyThreshold(Duration latencyThreshold) {
      this.latencyThreshold = latencyThreshold;
    }
  }

  /** {@code cloutsy.redis.diagnostics.*}: the Diagnostics bean (SCAN, big keys, slowlog). */
  public static class Diagnostics {

    /** Whether to create the Diagnostics bean. */
    private boolean enabled = true;

    /** The COUNT hint of each SCAN. */
    private int scanCount = 500;

    /** How many keys a keyspace summary examines at most. */
    private int sampleLimit = 10_000;

    /** How long one walk of the keyspace runs at most. */
    private Duration timeLimit = Duration.ofSeconds(10);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getScanCount() {
      return scanCount;
    }

    public void setScanCount(int scanCount) {
      this.scanCount = scanCount;
    }

    public int getSampleLimit() {
      return sampleLimit;
    }

    public void setSampleLimit(int sampleLimit) {
      this.sampleLimit = sampleLimit;
    }

    public Duration getTimeLimit() {
      return timeLimit;
    }

    public void setTimeLimit(Duration timeLimit) {
      this.timeLimit = timeLimit;
    }
  }

  /** {@code cloutsy.redis.metrics.*}: Micrometer meters, when Micrometer is on the class path. */
  public static class Metrics {

    /** Whether to bind the feature counters and health gauges, and record Lettuce's command latencies. */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** {@code cloutsy.redis.web.*}: the Spring MVC helpers. */
  public static class Web {

    private final WebRateLimit rateLimit = new WebRateLimit();

    private final Unavailable unavailable = new Unavailable();

    public WebRateLimit getRateLimit() {
      return rateLimit;
    }

    public Unavailable getUnavailable() {
      return unavailable;
    }

    /** {@code cloutsy.redis.web.rate-limit.*}: how @RateLimited routes are limited. */
    public static class WebRateLimit {

      /** Whether to apply @RateLimited on controller methods and classes. */
      private boolean enabled = true;

      /**
       * What @RateLimited routes that name no policy of their own do while Redis cannot be asked: fail-open limits in
       * memory (each instance admits at most one quota of a key per outage), fail-closed answers 503.
       */
      private FailurePolicy failurePolicy = FailurePolicy.FAIL_OPEN;

      /** Permits per window of a @RateLimited route that names no limit. */
      private long defaultLimit = 100;

      /** Window of a @RateLimited route that names none. */
      private Duration defaultWindow = Duration.ofMinutes(1);

      /** Algorithm of a @RateLimited route that names none. */
      private Algorithm algorithm = Algorithm.GCRA;

      /**
       * Limits by @RateLimited name that replace the annotation's values, so operations can tune them without a build.
       */
      private Map<String, Policy> policies = new LinkedHashMap<>();

      public boolean isEnabled() {
        return enabled;
      }

      public void setEnabled(boolean enabled) {
        this.enabled = enabled;
      }

      public FailurePolicy getFailurePolicy() {
        return failurePolicy;
      }

      public void setFailurePolicy(FailurePolicy failurePolicy) {
        this.failurePolicy = failurePolicy;
      }

      public long getDefaultLimit() {
        return defaultLimit;
      }

      public void setDefaultLimit(long defaultLimit) {
        this.defaultLimit = defaultLimit;
      }

      public Duration getDefaultWindow() {
        return defaultWindow;
      }

      public void setDefaultWindow(Duration defaultWindow) {
        this.defaultWindow = defaultWindow;
      }

      public Algorithm getAlgorithm() {
        return algorithm;
      }

      public void setAlgorithm(Algorithm algorithm) {
        this.algorithm = algorithm;
      }

      public Map<String, Policy> getPolicies() {
        return policies;
      }

      public void setPolicies(Map<String, Policy> policies) {
        this.policies = policies;
      }
    }

    /** A named limit for @RateLimited routes; unset values keep the annotation's. */
    public static class Policy {

      /** Permits per window. */
      private @Nullable Long limit;

      /** The window. */
      private @Nullable Duration window;

      /** Extra permits a client may spend at once after being idle (GCRA only). */
      private @Nullable Long burst;

      /** How permits are counted. */
      private @Nullable Algorithm algorithm;

      /** Whom the limit counts. */
      private @Nullable RateLimitKey key;

      /** What the route does while Redis cannot be asked, over the annotation's and the default. */
      private @Nullable FailurePolicy failurePolicy;

      public @Nullable Long getLimit() {
        return limit;
      }

      public void setLimit(@Nullable Long limit) {
        this.limit = limit;
      }

      public @Nullable Duration getWindow() {
        return window;
      }

      public void setWindow(@Nullable Duration window) {
        this.window = window;
      }

      public @Nullable Long getBurst() {
        return burst;
      }

      public void setBurst(@Nullable Long burst) {
        this.burst = burst;
      }

      public @Nullable Algorithm getAlgorithm() {
        return algorithm;
      }

      public void setAlgorithm(@Nullable Algorithm algorithm) {
        this.algorithm = algorithm;
      }

      public @Nullable RateLimitKey getKey() {
        return key;
      }

      public void setKey(@Nullable RateLimitKey key) {
        this.key = key;
      }

      public @Nullable FailurePolicy getFailurePolicy() {
        return failurePolicy;
      }

      public void setFailurePolicy(@Nullable FailurePolicy failurePolicy) {
        this.failurePolicy = failurePolicy;
      }
    }

    /** {@code cloutsy.redis.web.unavailable.*}: the 503 answer when Redis cannot be asked. */
    public static class Unavailable {

      /** Whether to answer RedisUnavailableException with 503 and a JSON body. */
      private boolean enabled = true;

      /** The Retry-After of that answer. */
      private Duration retryAfter = Duration.ofSeconds(5);

      public boolean isEnabled() {
        return enabled;
      }

      public void setEnabled(boolean enabled) {
        this.enabled = enabled;
      }

      public Duration getRetryAfter() {
        return retryAfter;
      }

      public void setRetryAfter(Duration retryAfter) {
        this.retryAfter = retryAfter;
      }
    }
  }
}
