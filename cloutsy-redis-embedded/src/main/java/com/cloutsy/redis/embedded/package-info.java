/**
 * A real redis-server on loopback for tests and the zero-setup demo: {@link com.cloutsy.redis.embedded.EmbeddedRedis}
 * finds or unpacks the binary, starts it on a free port of 127.0.0.1 and controls its lifecycle (stop, restart,
 * pause) for fault tests. {@link com.cloutsy.redis.embedded.EmbeddedRedisExtension} hands JUnit 5 tests one shared
 * {@link com.cloutsy.redis.embedded.RedisEndpoint} per run, or a dedicated server per test.
 */
@NullMarked
package com.cloutsy.redis.embedded;

import org.jspecify.annotations.NullMarked;
