/**
 * Real redis-server processes on loopback for tests and the zero-setup demo:
 * {@link com.cloutsy.redis.embedded.EmbeddedRedis}
 * finds or unpacks the binary, starts it on a free port of 127.0.0.1 (plain or TLS-only, with ACL users) and controls
 * its lifecycle (stop, kill, restart, pause) for fault tests; {@link com.cloutsy.redis.embedded.EmbeddedRedisCluster}
 * and {@link com.cloutsy.redis.embedded.EmbeddedSentinel} build Redis Cluster and Sentinel topologies from them.
 * {@link com.cloutsy.redis.embedded.EmbeddedRedisExtension} hands JUnit 5 tests one shared
 * {@link com.cloutsy.redis.embedded.RedisEndpoint} per run (a single server or a cluster), or dedicated ones.
 */
@NullMarked
package com.cloutsy.redis.embedded;

import org.jspecify.annotations.NullMarked;
