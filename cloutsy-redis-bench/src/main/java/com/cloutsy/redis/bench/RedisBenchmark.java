package com.cloutsy.redis.bench;

import io.lettuce.core.RedisURI;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * The server's own ceiling for the rate-limit script: {@code redis-benchmark} sending the same EVALSHA from C with
 * N connections, one request in flight on each, when a {@code redis-benchmark} is on the PATH. Its numbers are its
 * own (requests per second and latency percentiles from its CSV output); only the harness's INFO commandstats diff
 * around it is measured here.
 */
final class RedisBenchmark {

  static final String NAME = "redis-benchmark EVALSHA (GCRA)";
  private static final Duration PROCESS_TIMEOUT = Duration.ofMinutes(2);
  private static final int FIRST_GUESS_PER_SECOND = 20_000;

  private final Path binary;
  private final RedisURI uri;
  private final @Nullable String password;
  private final String version;

  private RedisBenchmark(Path binary, RedisURI uri, @Nullable String password) {
    this.binary = binary;
    this.uri = uri;
    this.password = password;
    this.version = String.join(" ", run(List.of(binary.toString(), "--version"))).strip();
  }

  /** The redis-benchmark on the PATH, if there is one. */
  static Optional<RedisBenchmark> find(RedisURI uri, @Nullable String password) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Arrays.stream(path.split(File.pathSeparator))
        .filter(folder -> !folder.isBlank())
        .map(folder -> Path.of(folder, "redis-benchmark"))
        .filter(Files::isExecutable)
        .findFirst()
        .map(binary -> new RedisBenchmark(binary, uri, password));
  }

  /** What {@code redis-benchmark --version} says, and where it is. */
  String describe() {
    return version + " (" + binary + ")";
  }

  /** The ceiling row of a rate-limit table: one hot key, or {@code keys} keys picked at random. */
  Scenario scenario(String group, String sha1, int keys) {
    Map<Integer, Double> lastRate = new ConcurrentHashMap<>();
    String key = keys == 1 ? "api:limit:benchmark-hot:feed" : "api:limit:__rand_int__:feed";
    String[] arguments = RateLimitScenarios.gcraArguments(1_000_000, Duration.ofSeconds(1));
    return new Scenario(group, NAME, Scenario.Role.CEILING,
        new Scenario.Load.External((callers, about) -> {
          long requests = Math.max(1_000,
              (long) (lastRate.getOrDefault(callers, (double) FIRST_GUESS_PER_SECOND) * about.toMillis() / 1_000));
          List<String> command = new ArrayList<>(List.of(binary.toString(), "-h", uri.getHost(),
              "-p", Integer.toString(uri.getPort()), "-c", Integer.toString(callers), "-n", Long.toString(requests),
              "--csv"));
          if (password != null) {
            command.addAll(List.of("-a", password, "--no-auth-warning"));
          }
          if (keys > 1) {
            command.addAll(List.of("-r", Integer.toString(keys)));
          }
          command.addAll(List.of("EVALSHA", sha1, "1", key));
          command.addAll(List.of(arguments));
          LoadRun.Measurement measured = parse(run(command), requests);
          lastRate.put(callers, measured.opsPerSecond());
          return measured;
        }),
        "`redis-benchmark -c N` sending the same EVALSHA, N connections with one request in flight each"
            + (keys > 1 ? ", `-r " + keys + "` random keys" : ""),
        null);
  }

  /**
   * Reads redis-benchmark's CSV line ({@code "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",
   * "p95_latency_ms","p99_latency_ms","max_latency_ms"}) into a measurement whose histogram holds those percentiles.
   */
  private static LoadRun.Measurement parse(List<String> output, long requests) {
    String line = output.stream().filter(text -> text.startsWith("\"EVALSHA") || text.startsWith("\"evalsha"))
        .reduce((first, second) -> second)
        .orElseThrow(() -> new IllegalStateException("redis-benchmark printed no result: " + output));
    String[] fields = line.replace("\"", "").split(",", -1);
    double rps = Double.parseDouble(fields[fields.length - 7]);
    Histogram latency = new Histogram(3);
    recordMillis(latency, fields[fields.length - 4], 50);
    recordMillis(latency, fields[fields.length - 3], 45);
    recordMillis(latency, fields[fields.length - 2], 4);
    recordMillis(latency, fields[fields.length - 1], 1);
    return new LoadRun.Measurement(requests, 0, Duration.ofNanos((long) (requests * 1e9 / rps)), latency, requests,
        null);
  }

  private static void recordMillis(Histogram latency, String millis, long count) {
    latency.recordValueWithCount(Math.max(1, (long) (Double.parseDouble(millis) * 1_000_000)), count);
  }

  private static List<String> run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      // Read while it runs, so that a full pipe can never stall it.
      CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
        try {
          return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException unreadable) {
          throw new UncheckedIOException(unreadable);
        }
      });
      if (!process.waitFor(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("redis-benchmark did not finish within " + PROCESS_TIMEOUT.toSeconds() + " s");
      }
      List<String> lines = output.join().lines().toList();
      if (process.exitValue() != 0) {
        throw new IllegalStateException("redis-benchmark failed: " + lines);
      }
      return lines;
    } catch (IOException failed) {
      throw new UncheckedIOException("could not run redis-benchmark", failed);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while redis-benchmark ran", interrupted);
    }
  }
}
