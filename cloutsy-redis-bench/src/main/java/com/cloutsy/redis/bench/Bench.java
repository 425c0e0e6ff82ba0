package com.cloutsy.redis.bench;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Measures this project's operations against raw Lettuce (and, later, peers) on one Redis, in one JVM, and prints a
 * Markdown report. Run it from the repository root:
 *
 * <pre>
 * ./mvnw -q -Pbench -pl cloutsy-redis-bench -am compile exec:java -Dexec.args=--quick
 * </pre>
 *
 * <p>{@code --quick} is a smoke run of about a minute; without it the run takes about eight minutes.
 * {@code --out FILE} also writes the report to a file. It starts its own embedded redis-server, or uses
 * {@code REDIS_URL} when set (then other traffic on that server skews the command counts).
 *
 * <p>How it measures: every scenario runs at 1, 16 and 64 callers in flight, all asynchronous over one multiplexed
 * connection; within a round the scenarios take turns in short slices, each a warm-up and a measured phase bounded
 * in time, and there are 3 rounds, of which the median is reported. Throughput counts the operations completed in the
 * measured phase; latency percentiles come from an HdrHistogram of every one of them. Separately, over a fixed
 * number of operations, the server's commands per operation are read from {@code INFO commandstats}, the client's
 * round trips from Lettuce's command events, and bytes per key from {@code MEMORY USAGE}. Progress goes to
 * standard error, the report to standard output.
 */
public final class Bench {

  private static final int[] CALLERS = {1, 16, 64};
  private static final int ROUNDS = 3;
  private static final int FOOTPRINT_CALLERS = 16;

  private final Settings settings;

  private Bench(Settings settings) {
    this.settings = settings;
  }

  /**
   * How long each phase lasts: a first warm-up per scenario, then per round and caller count {@code slices} turns
   * of every scenario, each a short warm-up and a measured slice.
   */
  private record Settings(String mode, Duration firstWarmUp, int slices, Duration sliceWarmUp, Duration slice,
      long counted, @Nullable Path out) {

    static Settings parse(String[] args) {
      boolean quick = false;
      Path out = null;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--quick" -> quick = true;
          case "--out" -> {
            if (i + 1 == args.length) {
              throw new IllegalArgumentException("--out needs a file name");
            }
            out = Path.of(args[++i]);
          }
          default -> throw new IllegalArgumentException("unknown argument " + args[i]
              + "; use --quick for a smoke run and --out FILE to save the report");
        }
      }
      return quick
          ? new Settings("quick", Duration.ofSeconds(1), 3, Duration.ofMillis(150), Duration.ofMillis(400), 2_000, out)
          : new Settings("full", Duration.ofSeconds(5), 5, Duration.ofMillis(300), Duration.ofSeconds(2), 10_000, out);
    }
  }

  /**
   * Runs the benchmark.
   *
   * @param args {@code --quick} for a smoke run, {@code --out FILE} to also save the report
   */
  public static void main(String[] args) {
    Settings settings = Settings.parse(args);
    String url = System.getenv("REDIS_URL");
    if (url != null && !url.isBlank()) {
      new Bench(settings).run(url, "REDIS_URL");
      return;
    }
    try (EmbeddedRedis server = EmbeddedRedis.start()) {
      new Bench(settings).run(server.uri(), "embedded, started by the harness");
    }
  }

  private void run(String url, String origin) {
    RedisSettings redisSettings = RedisSettings.builder().url(url).build();
    LongAdder sent = new LongAdder();
    try (RedisService measured = RedisService.start(redisSettings);
        RedisService counting = RedisService.create(redisSettings)) {
      // Command events cost a little on every command, so only the service for the footprint listens.
      counting.client().addListener(new CommandListener() {
        @Override
        public void commandStarted(CommandStartedEvent event) {
          sent.increment();
        }
      });
      counting.start();
      RedisCommands<String, String> admin = measured.connection().sync();
      String version = admin.info("server").lines().filter(line -> line.startsWith("redis_version:"))
          .map(line -> line.substring("redis_version:".length())).findFirst().orElse("unknown");
      Report report = new Report(Machine.describe(version, origin)
          + "- run: " + settings.mode() + "; " + ROUNDS + " rounds, median reported; in each round and for each"
          + " caller count the scenarios take " + settings.slices() + " turns of " + settings.sliceWarmUp().toMillis()
          + " ms warm-up + " + settings.slice().toMillis() + " ms measured, so that load from elsewhere on the"
          + " machine falls on all of them alike; callers are in-flight asynchronous operations on one"
          + " connection\n");

      List<Function<RedisService, Scenario>> factories = new ArrayList<>(RateLimitScenarios.all());
      List<Scenario> scenarios = factories.stream().map(factory -> factory.apply(measured)).toList();
      List<Scenario> counted = factories.stream().map(factory -> factory.apply(counting)).toList();
      try {
        warmUp(scenarios);
        measure(scenarios, report);
        footprint(counted, admin, sent, report);
      } finally {
        scenarios.forEach(Scenario::close);
        counted.forEach(Scenario::close);
        scenarios.forEach(scenario -> scenario.keys().forEach(admin::del));
      }
      String markdown = report.markdown();
      System.out.println(markdown);
      if (settings.out() != null) {
        write(settings.out(), markdown);
      }
    }
  }

  private void warmUp(List<Scenario> scenarios) {
    for (Scenario scenario : scenarios) {
      progress("warm-up: %s, %d callers, %d ms", scenario.name(), FOOTPRINT_CALLERS,
          settings.firstWarmUp().toMillis());
      LoadRun.timed(scenario, FOOTPRINT_CALLERS, Duration.ZERO, settings.firstWarmUp());
    }
  }

  private void measure(List<Scenario> scenarios, Report report) {
    int total = ROUNDS * CALLERS.length * scenarios.size();
    int done = 0;
    for (int round = 1; round <= ROUNDS; round++) {
      for (int callers : CALLERS) {
        Map<Scenario, List<LoadRun.Measurement>> slices = new LinkedHashMap<>();
        scenarios.forEach(scenario -> slices.put(scenario, new ArrayList<>()));
        for (int slice = 0; slice < settings.slices(); slice++) {
          progress("round %d/%d, %d callers: slice %d/%d", round, ROUNDS, callers, slice + 1, settings.slices());
          // Each turn starts with another scenario, so none is always first after a change of caller count.
          for (int i = 0; i < scenarios.size(); i++) {
            Scenario scenario = scenarios.get((slice + i) % scenarios.size());
            slices.get(scenario).add(LoadRun.timed(scenario, callers, settings.sliceWarmUp(), settings.slice()));
          }
        }
        for (Scenario scenario : scenarios) {
          LoadRun.Measurement measurement = LoadRun.Measurement.merge(slices.get(scenario));
          done++;
          report.add(new Report.Sample(scenario.group(), scenario.name(), scenario.baseline(), callers, round,
              measurement));
          progress("[%2d/%d] round %d/%d, %s, %s, %2d callers: %s ops/s, p50 %s µs, p99 %s µs%s", done, total, round,
              ROUNDS, scenario.group(), scenario.name(), callers, Report.whole(measurement.opsPerSecond()),
              Report.whole(measurement.latencyNanos().getValueAtPercentile(50) / 1_000.0),
              Report.whole(measurement.latencyNanos().getValueAtPercentile(99) / 1_000.0),
              measurement.failures() > 0 ? ", " + measurement.failures() + " FAILED" : "");
        }
      }
    }
  }

  private void footprint(List<Scenario> scenarios, RedisCommands<String, String> admin, LongAdder sent,
      Report report) {
    for (Scenario scenario : scenarios) {
      progress("footprint: %s, %,d operations", scenario.name(), settings.counted());
      CommandStats before = CommandStats.read(admin);
      long sentBefore = sent.sum();
      LoadRun.Measurement run = LoadRun.counted(scenario, FOOTPRINT_CALLERS, settings.counted());
      long roundTrips = sent.sum() - sentBefore;
      CommandStats ran = CommandStats.read(admin).since(before);
      if (run.failures() > 0) {
        throw new IllegalStateException(scenario.name() + ": " + run.failures() + " operations failed");
      }
      String sample = scenario.writeSampleKey();
      Long bytes = sample == null ? null : admin.memoryUsage(sample);
      report.footprint(scenario.group(), scenario.name(), new Report.Footprint(
          (double) ran.total() / run.operations(), ran.perOperation(run.operations()),
          scenario.usesSharedClient() ? (double) roundTrips / run.operations() : null, bytes));
    }
  }

  private static void progress(String format, Object... values) {
    System.err.println(String.format(Locale.ROOT, format, values));
  }

  private static void write(Path file, String markdown) {
    try {
      Files.writeString(file, markdown, StandardCharsets.UTF_8);
    } catch (IOException unwritable) {
      throw new UncheckedIOException("could not write the report to " + file, unwritable);
    }
  }
}
