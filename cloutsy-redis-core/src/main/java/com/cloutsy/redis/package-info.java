/**
 * The entry point: {@link com.cloutsy.redis.RedisService} connects to Redis with fail-fast settings, offers the
 * seed's facade ({@code get}, {@code set}, {@code del}, hashes, {@code ping}) in blocking and asynchronous form,
 * and hands the connection, key layout and script runner to every capability. Redis trouble surfaces as
 * {@link com.cloutsy.redis.RedisUnavailableException}.
 */
@NullMarked
package com.cloutsy.redis;

import org.jspecify.annotations.NullMarked;
