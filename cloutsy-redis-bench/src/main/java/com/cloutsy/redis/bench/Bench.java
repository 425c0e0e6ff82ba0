package com.cloutsy.redis.bench;

import com.cloutsy.redis.embedded.EmbeddedRedis;
import io.github.bucket4j.Bucket;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;
import org.knowm.xchart.XYChart;
import org.redisson.Redisson;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;

/**
 * Measures this project's operations against its peers (Bucket4j, Redisson, Spring Session, Spring Data Redis, the
 * seed's own patterns) and against raw Lettuce and redis-benchmark, all in one JVM on one Redis, and writes
 * {@code docs/BENCHMARKS.md} with PNG charts. Run it from the repository root:
 *
 * <pre>
 * ./mvnw -q -Pbench -pl cloutsy-redis-bench -am compile exec:java -Dexec.args="--out docs/BENCHMARKS.md"
 * ./mvnw -q -Pbench -pl cloutsy-redis-bench -am compile exec:java -Dexec.args=--quick
 * </pre>
 *
 * <p>The full run takes about 15 minutes, {@code --quick} (a smoke run, its numbers only roughly right) under 2.
 * {@code --out FILE} names the report (default {@code target/benchmarks/BENCHMARKS.md}); the charts go to
 * {@code benchmarks/} beside it. {@code --only TEXT} runs only the tables whose title contains TEXT. The harness
 * starts its own embedded redis-server, or uses {@code REDIS_URL}, which must then name an empty database of its
 * own: the run fills it and empties it (FLUSHDB) at the end. With a {@code redis-benchmark} on the PATH, the
 * rate-limit tables get its ceiling row. Progress goes to standard error, the targets table to standard output.
 *
 * <p>How it measures: every scenario runs at 1, 16 and 64 callers. This project's calls, and the peers' asynchronous
 * APIs, keep that many operations in flight; blocking APIs get a thread per caller. Within a round the scenarios of
 * every table take turns in short slices (a warm-up and a measured phase each), so that load from elsewhere on the
 * machine falls on all of them alike; there are 3 rounds and the median is reported, ratios being taken within a
 * round. Throughput counts the operations completed in the measured phases; latency percentiles come from an
 * HdrHistogram of every one of them. INFO commandstats is read around each phase. Separately, with one caller and a
 * fixed number of operations, commands and flushes are counted on the wire, and MEMORY USAGE gives the bytes kept.
 */
public final class Bench {

  private static final int[] CALLERS = {1, 16, 64};
  private static final int ROUNDS = 3;
  private static final int WARM_UP_CALLERS = 16;
  // How EmbeddedRedis is told which redis-server to run, as an environment variable or a system property.
  private static final String SERVER_BINARY = "REDIS_SERVER_BIN";
  private static final long STARTED = System.nanoTime();
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT);

  private final Settings settings;
  private final Instant started = Instant.now();

  private Bench(Settings settings) {
    this.settings = settings;
  }

  /**
   * How long each phase lasts and how much is written.
   *
   * @param slices turns each scenario takes per round and caller count
   * @param counted operations with one caller for the wire and server counts
   * @param storedSessions sessions created beforehand for the reads
   * @param sampledEntities sessions and cache entries written to measure bytes
   */
  private record Settings(String mode, Duration firstWarmUp, int slices, Duration sliceWarmUp, Duration slice,
      long counted, int storedSessions, int sampledEntities, Path out, @Nullable String only) {

    static Settings parse(String[] args) {
      boolean quick = false;
      Path out = Path.of("target", "benchmarks", "BENCHMARKS.md");
      String only = null;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--quick" -> quick = true;
          case "--out" -> out = Path.of(value(args, ++i, "--out needs a file name"));
          case "--only" -> only = value(args, ++i, "--only needs part of a table's title");
          default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; use --quick for a smoke"
              + " run, --out FILE for the report, --only TEXT for the tables whose title contains TEXT");
        }
      }
      return quick
          ? new Settings("quick", Duration.ofMillis(200), 1, Duration.ofMillis(40), Duration.ofMillis(100), 200,
              500, 100, out, only)
          : new Settings("full", Duration.ofSeconds(3), 4, Duration.ofMillis(150), Duration.ofMillis(600), 5_000,
              10_000, 1_000, out, only);
    }

    private static String value(String[] args, int index, String missing) {
      if (index >= args.length) {
        throw new IllegalArgumentException(missing);
      }
      return args[index];
    }
  }

  /**
   * Runs the benchmark.
   *
   * @param args {@code --quick} for a smoke run, {@code --out FILE} for the report, {@code --only TEXT} for some
   *     tables
   */
  public static void main(String[] args) {
    // Charts are drawn off screen.
    System.setProperty("java.awt.headless", "true");
    Settings settings = Settings.parse(args);
    String url = System.getenv("REDIS_URL");
    if (url != null && !url.isBlank()) {
      new Bench(settings).run(url, "REDIS_URL", true);
      return;
    }
    try (EmbeddedRedis server = EmbeddedRedis.start()) {
      new Bench(settings).run(server.uri(), "embedded, started by the harness", false);
    }
  }

  private void run(String url, String origin, boolean sharedServer) {
    String loadAtStart = Machine.load();
    // Read before the run: the code measured is the code built, whatever is edited while it runs.
    String commit = Machine.commit();
    try (Clients clients = new Clients(url)) {
      if (sharedServer && clients.admin().dbsize() > 0) {
        throw new IllegalStateException("REDIS_URL names a database with " + clients.admin().dbsize() + " keys; the"
            + " benchmark needs an empty database of its own, which it empties again at the end");
      }
      progress("setting up the scenarios and their peers");
      Optional<RedisBenchmark> ceiling = RedisBenchmark.find(clients.uri(), clients.password());
      try (RateLimitScenarios rateLimits = new RateLimitScenarios(clients);
          OtpScenarios otp = new OtpScenarios(clients);
          CacheScenarios cache = new CacheScenarios(clients)) {
        Map<String, String> notes = new LinkedHashMap<>();
        List<Scenario> scenarios = new ArrayList<>(rateLimits.scenarios(false));
        ceiling.ifPresent(benchmark -> scenarios.add(
            benchmark.scenario(RateLimitScenarios.HOT, RateLimitScenarios.GCRA_SCRIPT.sha1(), 1)));
        scenarios.addAll(rateLimits.scenarios(true));
        ceiling.ifPresent(benchmark -> scenarios.add(
            benchmark.scenario(RateLimitScenarios.MANY, RateLimitScenarios.GCRA_SCRIPT.sha1(), 10_000)));
        notes.put(RateLimitScenarios.HOT, RateLimitScenarios.NOTE + " Every caller decides on the same key.");
        notes.put(RateLimitScenarios.MANY, RateLimitScenarios.NOTE + " Each decision picks one of 10,000 keys at"
            + " random.");
        scenarios.addAll(otp.scenarios());
        notes.put(OtpScenarios.GROUP, OtpScenarios.NOTE);
        scenarios.addAll(new SessionScenarios(clients, settings.storedSessions(), settings.sampledEntities())
            .scenarios());
        notes.put(SessionScenarios.CREATE, SessionScenarios.NOTE + " Each created session belongs to a new user.");
        notes.put(SessionScenarios.GET, SessionScenarios.NOTE + " Each read picks one of "
            + String.format(Locale.ROOT, "%,d", settings.storedSessions()) + " sessions stored beforehand.");
        scenarios.addAll(cache.scenarios());
        notes.put(CacheScenarios.GROUP, CacheScenarios.NOTE);
        String only = settings.only();
        if (only != null) {
          scenarios.removeIf(scenario -> !scenario.group().contains(only));
        }
        if (scenarios.isEmpty()) {
          throw new IllegalArgumentException("no table's title contains \"" + only + "\"");
        }

        Results results = new Results(scenarios);
        warmUp(scenarios);
        measure(scenarios, results, clients);
        footprint(scenarios, results, clients);
        memory(scenarios, results, clients);

        String loadAtEnd = Machine.load();
        List<Targets.Target> targets = Targets.check(results);
        Path out = settings.out().toAbsolutePath();
        String chartFolder = chartFolder(out);
        List<Charts.Drawn> charts = Charts.draw(results, out.resolveSibling(chartFolder), chartFolder);
        List<String> facts = facts(clients, origin, ceiling, commit, loadAtStart, loadAtEnd);
        String markdown = Report.markdown(command(), facts, method(), results, targets, charts,
            results.groups().stream().map(notes::get).toList());
        write(out, markdown);
        progress("report written to %s, charts to %s", out, out.resolveSibling(chartFolder));
        targets.forEach(target -> System.out.println(target.verdict().text + " | " + target.goal() + " | "
            + target.measured()));
      }
      if (sharedServer) {
        clients.admin().flushdb();
      }
    }
  }

  private void warmUp(List<Scenario> scenarios) {
    for (Scenario scenario : scenarios) {
      if (scenario.load() instanceof Scenario.Load.External) {
        continue;
      }
      progress("warm-up: %s / %s, %d callers, %d ms", scenario.group(), scenario.name(), WARM_UP_CALLERS,
          settings.firstWarmUp().toMillis());
      LoadRun.timed(scenario.load(), WARM_UP_CALLERS, settings.firstWarmUp(), Duration.ofMillis(1));
    }
  }

  private void measure(List<Scenario> scenarios, Results results, Clients clients) {
    int total = ROUNDS * CALLERS.length * settings.slices() * scenarios.size();
    int done = 0;
    Instant from = Instant.now();
    for (int round = 1; round <= ROUNDS; round++) {
      for (int callers : CALLERS) {
        Map<Scenario, List<LoadRun.Measurement>> slices = new LinkedHashMap<>();
        Map<Scenario, Long> commands = new LinkedHashMap<>();
        for (int slice = 0; slice < settings.slices(); slice++) {
          // Each turn starts with another scenario, so none is always first after a change of caller count.
          for (int i = 0; i < scenarios.size(); i++) {
            Scenario scenario = scenarios.get((slice + i) % scenarios.size());
            CommandStats before = CommandStats.read(clients.admin());
            LoadRun.Measurement measured = scenario.load() instanceof Scenario.Load.External external
                ? external.run().measure(callers, settings.slice())
                : LoadRun.timed(scenario.load(), callers, settings.sliceWarmUp(), settings.slice());
            long ran = CommandStats.read(clients.admin()).since(before).total();
            slices.computeIfAbsent(scenario, key -> new ArrayList<>()).add(measured);
            commands.merge(scenario, ran, Long::sum);
            done++;
            Duration elapsed = Duration.between(from, Instant.now());
            Duration left = elapsed.multipliedBy(total - done).dividedBy(done);
            progress("[%3d/%d] round %d/%d, %2d callers, %s / %s: %s ops/s, p50 %s µs, p99 %s µs%s; %s left",
                done, total, round, ROUNDS, callers, scenario.group(), scenario.name(),
                Targets.whole(measured.opsPerSecond()), Targets.whole(measured.micros(50)),
                Targets.whole(measured.micros(99)),
                measured.failures() > 0 ? ", " + measured.failures() + " FAILED (" + measured.firstFailure() + ")"
                    : "",
                minutes(left));
          }
        }
        for (Scenario scenario : scenarios) {
          // Every scenario ran in every slice, so each has its measurements and command count.
          results.add(new Results.Sample(scenario, callers, round,
              LoadRun.Measurement.merge(Objects.requireNonNull(slices.get(scenario))),
              Objects.requireNonNull(commands.get(scenario))));
        }
      }
    }
  }

  private void footprint(List<Scenario> scenarios, Results results, Clients clients) {
    for (Scenario scenario : scenarios) {
      if (scenario.load() instanceof Scenario.Load.External) {
        continue;
      }
      progress("counting: %s / %s, %,d operations with one caller", scenario.group(), scenario.name(),
          settings.counted());
      CommandStats before = CommandStats.read(clients.admin());
      long serverCpuBefore = clients.serverCpuMicros();
      Traffic.Count wireBefore = clients.traffic().count();
      long clientCpuBefore = LoadRun.cpuNanos();
      LoadRun.Measurement run = LoadRun.counted(scenario.load(), 1, settings.counted());
      long clientCpu = LoadRun.cpuNanos() - clientCpuBefore;
      Traffic.Count wire = clients.traffic().count().since(wireBefore);
      long serverCpu = clients.serverCpuMicros() - serverCpuBefore;
      CommandStats ran = CommandStats.read(clients.admin()).since(before);
      if (run.failures() > 0) {
        progress("  %d operations failed, the first with %s", run.failures(), String.valueOf(run.firstFailure()));
      }
      long operations = Math.max(1, run.operations());
      results.footprint(scenario, new Results.Footprint((double) wire.commands() / operations,
          (double) wire.flushes() / operations, (double) ran.total() / operations, ran.perOperation(operations),
          clientCpu / 1_000.0 / operations, (double) serverCpu / operations));
    }
  }

  private void memory(List<Scenario> scenarios, Results results, Clients clients) {
    for (Scenario scenario : scenarios) {
      Scenario.Memory memory = scenario.memory();
      if (memory == null) {
        continue;
      }
      progress("memory: %s / %s", scenario.group(), scenario.name());
      List<Double> bytes = new ArrayList<>();
      for (int steps : memory.steps()) {
        Scenario.Sample sample = memory.write().apply(steps);
        long total = sample.written().stream().mapToLong(clients::memoryUsage).sum();
        bytes.add((double) total / sample.entities());
        clients.delete(sample.written());
      }
      results.memory(scenario, bytes);
    }
  }

  private List<String> facts(Clients clients, String origin, Optional<RedisBenchmark> ceiling, String commit,
      String loadAtStart, String loadAtEnd) {
    Duration took = Duration.between(started, Instant.now());
    return List.of(
        "date: " + DATE.format(started.atOffset(ZoneOffset.UTC)) + "; the run took " + minutes(took),
        "code: commit " + commit,
        "machine: " + Machine.hardware(),
        "load average (1 / 5 / 15 min): " + loadAtStart + " at the start, " + loadAtEnd + " at the end (other work"
            + " on the machine takes CPU from client and server alike)",
        "Java: " + Machine.java(),
        "Redis: " + clients.serverVersion() + " (" + origin + "), on the same machine, over loopback",
        "redis-benchmark: " + ceiling.map(RedisBenchmark::describe)
            .orElse("absent from the PATH, so the rate-limit tables have no redis-benchmark row"),
        "clients: Lettuce " + Machine.version(RedisClient.class, "io.lettuce", "lettuce-core")
            + " (this project, Bucket4j, Spring Data Redis); Bucket4j "
            + Machine.version(Bucket.class, "com.bucket4j", "bucket4j_jdk17-core")
            + "; Redisson " + Machine.version(Redisson.class, "org.redisson", "redisson")
            + "; Spring Session " + Machine.version(RedisIndexedSessionRepository.class, "org.springframework.session",
                "spring-session-data-redis")
            + "; Spring Data Redis " + Machine.version(RedisTemplate.class, "org.springframework.data",
                "spring-data-redis"),
        "tools: HdrHistogram " + Machine.version(Histogram.class, "org.hdrhistogram", "HdrHistogram") + ", XChart "
            + Machine.version(XYChart.class, "org.knowm.xchart", "xchart"),
        "mode: " + settings.mode() + "; " + ROUNDS + " rounds; per round and caller count each scenario takes "
            + settings.slices() + " turn(s) of " + settings.sliceWarmUp().toMillis() + " ms warm-up + "
            + settings.slice().toMillis() + " ms measured, after a first warm-up of "
            + settings.firstWarmUp().toMillis() + " ms at " + WARM_UP_CALLERS + " callers; counts over "
            + String.format(Locale.ROOT, "%,d", settings.counted()) + " operations with one caller");
  }

  /** Charts of {@code BENCHMARKS-redis-7.0.md} go to {@code benchmarks-redis-7.0/} beside it: reports never share. */
  private static String chartFolder(Path out) {
    String name = out.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return (dot > 0 ? name.substring(0, dot) : name).toLowerCase(Locale.ROOT);
  }

  private String command() {
    boolean ownBinary = System.getenv(SERVER_BINARY) != null || System.getProperty(SERVER_BINARY) != null;
    return (ownBinary ? SERVER_BINARY + "=<the redis-server named below> " : "")
        + "./mvnw -q -Pbench -pl cloutsy-redis-bench -am compile exec:java -Dexec.args=\""
        + (settings.mode().equals("quick") ? "--quick " : "") + "--out " + settings.out() + "\"";
  }

  private static String method() {
    return "Every scenario runs at 1, 16 and 64 callers against one Redis, all in one JVM. This project's calls and"
        + " the peers' asynchronous APIs keep that many operations in flight, each caller starting its next operation"
        + " from the thread that completed the last; blocking APIs get one platform thread per caller. Within a round"
        + " the scenarios of every table take turns in short slices (warm-up, then a measured phase), so that load"
        + " from elsewhere on the machine falls on all of them alike; there are " + ROUNDS + " rounds and the tables"
        + " show medians, a ratio being taken between two measurements of the same round. Latency is that of every"
        + " operation completed in a measured phase, recorded in an HdrHistogram. Client, server and peers share"
        + " the machine's cores, as an application and a Redis on one host would.";
  }

  private static String minutes(Duration duration) {
    return String.format(Locale.ROOT, "%d min %02d s", duration.toMinutes(), duration.toSecondsPart());
  }

  private static void progress(String format, Object... values) {
    long seconds = (System.nanoTime() - STARTED) / 1_000_000_000;
    System.err.println(String.format(Locale.ROOT, "[%d:%02d] ", seconds / 60, seconds % 60)
        + String.format(Locale.ROOT, format, values));
  }

  private static void write(Path file, String markdown) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, markdown, StandardCharsets.UTF_8);
    } catch (IOException unwritable) {
      throw new UncheckedIOException("could not write the report to " + file, unwritable);
    }
  }
}
