/**
 * The load harness: {@link com.cloutsy.redis.bench.Bench} runs {@link com.cloutsy.redis.bench.Scenario}s of this
 * project and of its peers against one Redis at 1, 16 and 64 callers, measures throughput and latency with
 * HdrHistogram, commands and round trips on the wire and in {@code INFO commandstats}, bytes with
 * {@code MEMORY USAGE}, checks the targets and writes {@code docs/BENCHMARKS.md} with XChart plots.
 */
@NullMarked
package com.cloutsy.redis.bench;

import org.jspecify.annotations.NullMarked;
