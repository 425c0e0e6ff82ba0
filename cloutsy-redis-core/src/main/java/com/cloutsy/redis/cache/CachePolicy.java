package com.cloutsy.redis.cache;

import com.cloutsy.redis.codec.Codec;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RedisCache} stores its values: lifetimes, jitter, compression, early refresh, the optional near cache
 * and the codec. Immutable; start from {@link #defaults()} or {@link #of(Duration)} and adjust with the
 * {@code withX} copies.
 *
 * <pre>{@code
 * CachePolicy policy = CachePolicy.of(Duration.ofMinutes(10))
 *     .withNegativeTtl(Duration.ofSeconds(30))
 *     .withNearCache(10_000, Duration.ofMinutes(1));
 * }</pre>
 *
 * @param defaultTtl lifetime of entries written by calls that name none (default 10 minutes)
 * @param negativeTtl how long a loader's "not found" (a null result) is cached, so a stream of requests for a
 *     missing id does not reach the database each time; {@link Duration#ZERO} turns negative caching off
 *     (default 30 s)
 * @param ttlJitterPercent up to this share of each TTL is taken off at random, so keys written together do not
 *     expire together; never added, so an entry never outlives the TTL the caller gave (0-100, default 10)
 * @param compressionThreshold encoded values longer than this many bytes are stored compressed (deflate), when that
 *     makes them smaller (default 1024; {@link Integer#MAX_VALUE} turns compression off)
 * @param earlyRefreshBeta how eagerly a key that is still being read is reloaded before it expires, in units of
 *     the time its loader took (XFetch's beta; default 1.0; 0 turns early refresh off). See {@link RedisCache}.
 * @param nearCacheSize most entries kept in process memory in front of Redis; 0 means no near cache (the default).
 *     Not on Redis Cluster: {@link RedisCache} refuses a near cache there, because client tracking would be needed per
 *     node and a missed invalidation would serve stale values; run the cache on its own server
 *     ({@code REDIS_CACHE_URL}) to keep one
 * @param nearCacheTtl longest time a near-cache entry is kept without a read from Redis, a bound in case an
 *     invalidation is lost; entries also leave when their Redis TTL runs out (default 1 minute)
 * @param codec turns values into bytes and back (default {@link Codec#json()})
 */
public record CachePolicy(
    Duration defaultTtl,
    Duration negativeTtl,
    int ttlJitterPercent,
    int compressionThreshold,
    double earlyRefreshBeta,
    long nearCacheSize,
    Duration nearCacheTtl,
    Codec codec) {

  /** Default entry lifetime. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
  /** Default lifetime of a cached "not found". */
  public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofSeconds(30);
  /** Default jitter: up to a tenth of each TTL. */
  public static final int DEFAULT_TTL_JITTER_PERCENT = 10;
  /** Default compression threshold: 1 KiB, below which compressing costs more time than the bytes it saves. */
  public static final int DEFAULT_COMPRESSION_THRESHOLD = 1024;
  /** Default near-cache entry lifetime. */
  public static final Duration DEFAULT_NEAR_CACHE_TTL = Duration.ofMinutes(1);

  /** Validates every component; see their descriptions for the rules. */
  public CachePolicy {
    Objects.requireNonNull(defaultTtl, "defaultTtl must not be null");
    Objects.requireNonNull(negativeTtl, "negativeTtl must not be null");
    Objects.requireNonNull(nearCacheTtl, "nearCacheTtl must not be null");
    Objects.requireNonNull(codec, "codec must not be null");
    if (defaultTtl.toMillis() < 1) {
      throw new IllegalArgumentException("defaultTtl must be at least 1 ms, was " + defaultTtl);
    }
    if (negativeTtl.isNegative() || (!negativeTtl.isZero() && negativeTtl.toMillis() < 1)) {
      throw new IllegalArgumentException("negativeTtl must be zero (off) or at least 1 ms, was " + negativeTtl);
    }
    if (ttlJitterPercent < 0 || ttlJitterPercent > 100) {
      throw new IllegalArgumentException("ttlJitterPercent must be 0-100, was " + ttlJitterPercent);
    }
    if (compressionThreshold < 0) {
      throw new IllegalArgumentException("compressionThreshold must be >= 0, was " + compressionThreshold);
    }
    if (!(earlyRefreshBeta >= 0) || Double.isInfinite(earlyRefreshBeta)) {
      throw new IllegalArgumentException("earlyRefreshBeta must be a finite number >= 0, was " + earlyRefreshBeta);
    }
    if (nearCacheSize < 0) {
      throw new IllegalArgumentException("nearCacheSize must be >= 0 (0 is off), was " + nearCacheSize);
    }
    if (nearCacheTtl.toMillis() < 1) {
      throw new IllegalArgumentException("nearCacheTtl must be at least 1 ms, was " + nearCacheTtl);
    }
  }

  /** The defaults: 10 minutes, 30 s for "not found", 10 % jitter, compression above 1 KiB, no near cache, JSON. */
  public static CachePolicy defaults() {
    return of(DEFAULT_TTL);
  }

  /** The defaults with {@code defaultTtl} as the lifetime of entries written by calls that name none. */
  public static CachePolicy of(Duration defaultTtl) {
    return new CachePolicy(defaultTtl, DEFAULT_NEGATIVE_TTL, DEFAULT_TTL_JITTER_PERCENT,
        DEFAULT_COMPRESSION_THRESHOLD, 1.0, 0, DEFAULT_NEAR_CACHE_TTL, Codec.json());
  }

  /** A copy with another default TTL. */
  public CachePolicy withDefaultTtl(Duration defaultTtl) {
    return new CachePolicy(defaultTtl, negativeTtl, ttlJitterPercent, compressionThreshold, earlyRefreshBeta,
        nearCacheSize, nearCacheTtl, codec);
  }

  /** A copy that caches "not found" for {@code negativeTtl}; {@link Duration#ZERO} turns negative caching off. */
  public CachePolicy withNegativeTtl(Duration negativeTtl) {
    return new CachePolicy(defaultTtl, negativeTtl, ttlJitterPercent, compressionThreshold, earlyRefreshBeta,
        nearCacheSize, nearCacheTtl, codec);
  }

  /** A copy with another TTL jitter; 0 writes every TTL exactly. */
  public CachePolicy withTtlJitterPercent(int ttlJitterPercent) {
    return new CachePolicy(defaultTtl, negativeTtl, ttlJitterPercent, compressionThreshold, earlyRefreshBeta,
        nearCacheSize, nearCacheTtl, codec);
  }

  /** A copy that compresses encoded values longer than {@code compressionThreshold} bytes. */
  public CachePolicy withCompressionThreshold(int compressionThreshold) {
    return new CachePolicy(defaultTtl, negativeTtl, ttlJitterPercent, compressionThreshold, earlyRefreshBeta,
        nearCacheSize, nearCacheTtl, codec);
  }

  /** A copy that never compresses. */
  public CachePolicy withoutCompression() {
    return withCompressionThreshold(Integer.MAX_VALUE);
  }

  /** A copy with another early-refresh factor; 0 turns early refresh off. */
  public CachePolicy withEarlyRefreshBeta(double earlyRefreshBeta) {
    return new CachePolicy(defaultTtl, negativeTtl, ttlJitterPercent, compressionThreshold, earlyRefreshBeta,
        nearCacheSize, nearCacheTtl, codec);
  }

  /**
   * A copy with a near cache of at most {@code size} entries, each kept at most {@code ttl}. A cache on Redis Cluster
   * refuses it (see {@link RedisCache}).
   */
  public CachePolicy withNearCache(long size, Duration ttl) {
    if (size <= 0) {
      throw new IllegalArgumentException("size must be > 0, was " + size + "; use withoutNearCache() to turn it off");
    }
    return new CachePolicy(defaultTtl, negativeTtl, ttlJitterPercent, compressionThreshold, earlyRefreshBeta, size,
        ttl, codec);
  }

  /** A copy without a near cache: every read asks Redis. */
  public CachePolicy withoutNearCache() {
    return new CachePolicy(defaultTtl, negativeTtl, ttlJitterPercent, compressionThreshold, earlyRefreshBeta, 0,
        nearCacheTtl, codec);
  }

  /** A copy with another codec. */
  public CachePolicy withCodec(Codec codec) {
    return new CachePolicy(defaultTtl, negativeTtl, ttlJitterPercent, compressionThreshold, earlyRefreshBeta,
        nearCacheSize, nearCacheTtl, codec);
  }

  /** Whether values are also kept in process memory. */
  public boolean hasNearCache() {
    return nearCacheSize > 0;
  }

  /** Whether a loader's "not found" is cached. */
  public boolean cachesNotFound() {
    return !negativeTtl.isZero();
  }
}
