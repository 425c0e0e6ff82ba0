/**
 * Connection settings: {@link com.cloutsy.redis.config.RedisSettings}, read from the seed's {@code REDIS_*}
 * environment variables or built in code, validated once so a bad value fails start-up with a message that
 * names the variable and what was expected. Secrets never appear in {@code toString()} or in exceptions.
 */
@NullMarked
package com.cloutsy.redis.config;

import org.jspecify.annotations.NullMarked;
