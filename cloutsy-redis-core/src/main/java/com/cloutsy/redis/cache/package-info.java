/**
 * Caching: {@link com.cloutsy.redis.cache.RedisCache} (cache-aside with graceful degradation, single flight, early
 * refresh, negative caching, compression and an optional near cache kept correct by Redis client tracking),
 * {@link com.cloutsy.redis.cache.HashCache} for hashes such as a user's preferences, and
 * {@link com.cloutsy.redis.codec.Codec}, which turns values into stored bytes (JSON through Jackson by default) and
 * which the event bus shares, so one codec decides how values look in Redis.
 */
@NullMarked
package com.cloutsy.redis.cache;

import org.jspecify.annotations.NullMarked;
