/**
 * The load harness: {@link com.cloutsy.redis.bench.Bench} runs {@link com.cloutsy.redis.bench.Scenario}s against
 * one Redis at fixed numbers of in-flight callers, measures throughput and latency with HdrHistogram and the
 * server's commands per operation with {@code INFO commandstats}, and prints a Markdown
 * {@link com.cloutsy.redis.bench.Report}.
 */
@NullMarked
package com.cloutsy.redis.bench;

import org.jspecify.annotations.NullMarked;
