/**
 * Caching: {@link com.cloutsy.redis.cache.Codec} turns values into stored bytes (JSON through Jackson by
 * default); the event bus shares it, so one codec decides how values look in Redis.
 */
@NullMarked
package com.cloutsy.redis.cache;

import org.jspecify.annotations.NullMarked;
