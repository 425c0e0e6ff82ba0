/**
 * Operations: {@link com.cloutsy.redis.health.HealthCheck} gives a readiness-grade
 * {@link com.cloutsy.redis.health.HealthReport} (UP, DEGRADED or DOWN with reasons), {@link
 * com.cloutsy.redis.health.Diagnostics} the seed's debug commands without {@code KEYS} (SCAN, TTL, memory usage, big
 * keys, keyspace summary, slowlog, memory stats), each bounded in work and time, and {@link
 * com.cloutsy.redis.health.RedisMeters} publishes counters, gauges and Lettuce's command latencies to Micrometer.
 */
@NullMarked
package com.cloutsy.redis.health;

import org.jspecify.annotations.NullMarked;
