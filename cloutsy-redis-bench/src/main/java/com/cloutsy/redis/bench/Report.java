package com.cloutsy.redis.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The results of one run as Markdown: a table per scenario group with the median over the rounds of throughput,
 * p50 and p99 latency and the ratio to the group's baseline (each round's ratio is taken between measurements of
 * that round, then the median of those ratios is reported), followed by what each operation cost the server.
 */
final class Report {

  private final String header;
  private final List<Sample> samples = new ArrayList<>();
  private final Map<String, Footprint> footprints = new LinkedHashMap<>();

  Report(String header) {
    this.header = header;
  }

  /** One measured phase. */
  record Sample(String group, String scenario, boolean baseline, int callers, int round,
      LoadRun.Measurement measurement) {}

  /**
   * What one operation cost, measured over a fixed number of operations.
   *
   * @param serverCommands commands the server ran per operation, those inside scripts included
   * @param breakdown the same per command, e.g. {@code evalsha 1, get 1, time 1, set 1}
   * @param roundTrips commands the client sent per operation, or null when not counted
   * @param bytesPerKey {@code MEMORY USAGE} of a key the scenario wrote, or null when it wrote none
   */
  record Footprint(double serverCommands, String breakdown, @Nullable Double roundTrips, @Nullable Long bytesPerKey) {}

  void add(Sample sample) {
    samples.add(sample);
  }

  void footprint(String group, String scenario, Footprint footprint) {
    footprints.put(group + "\n" + scenario, footprint);
  }

  String markdown() {
    StringBuilder out = new StringBuilder("# cloutsy-redis benchmark\n\n").append(header).append('\n');
    Set<String> groups = new LinkedHashSet<>();
    samples.forEach(sample -> groups.add(sample.group()));
    for (String group : groups) {
      List<Sample> ofGroup = samples.stream().filter(sample -> sample.group().equals(group)).toList();
      String baseline = ofGroup.stream().filter(Sample::baseline).map(Sample::scenario).findFirst().orElse("");
      out.append("## ").append(group).append("\n\n")
          .append("| scenario | callers | ops/s | p50 µs | p99 µs | ratio to ").append(baseline)
          .append(" | server commands/op | round trips/op | bytes/key |\n")
          .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      Set<String> scenarios = new LinkedHashSet<>();
      ofGroup.forEach(sample -> scenarios.add(sample.scenario()));
      Set<Integer> callerCounts = new TreeSet<>();
      ofGroup.forEach(sample -> callerCounts.add(sample.callers()));
      for (String scenario : scenarios) {
        Footprint footprint = footprints.get(group + "\n" + scenario);
        for (int callers : callerCounts) {
          List<Sample> runs = ofGroup.stream()
              .filter(sample -> sample.scenario().equals(scenario) && sample.callers() == callers).toList();
          if (runs.isEmpty()) {
            continue;
          }
          out.append("| ").append(scenario).append(" | ").append(callers)
              .append(" | ").append(whole(median(runs, sample -> sample.measurement().opsPerSecond())))
              .append(" | ").append(whole(median(runs, sample -> micros(sample, 50))))
              .append(" | ").append(whole(median(runs, sample -> micros(sample, 99))))
              .append(" | ").append(decimal(medianRatio(ofGroup, runs, baseline)))
              .append(" | ").append(footprint == null ? "–" : decimal(footprint.serverCommands()))
              .append(" | ").append(footprint == null || footprint.roundTrips() == null ? "–"
                  : decimal(footprint.roundTrips()))
              .append(" | ").append(footprint == null || footprint.bytesPerKey() == null ? "–"
                  : footprint.bytesPerKey())
              .append(" |\n");
        }
      }
      out.append("\nServer commands per operation, by command (scripts' commands included):\n\n");
      for (String scenario : scenarios) {
        Footprint footprint = footprints.get(group + "\n" + scenario);
        if (footprint != null) {
          out.append("- ").append(scenario).append(": ").append(footprint.breakdown()).append('\n');
        }
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static double micros(Sample sample, double percentile) {
    return sample.measurement().latencyNanos().getValueAtPercentile(percentile) / 1_000.0;
  }

  private double medianRatio(List<Sample> ofGroup, List<Sample> runs, String baseline) {
    List<Double> ratios = new ArrayList<>();
    for (Sample run : runs) {
      ofGroup.stream()
          .filter(other -> other.scenario().equals(baseline) && other.callers() == run.callers()
              && other.round() == run.round())
          .findFirst()
          .ifPresent(base -> ratios.add(run.measurement().opsPerSecond() / base.measurement().opsPerSecond()));
    }
    return ratios.isEmpty() ? Double.NaN : median(ratios);
  }

  private static double median(List<Sample> runs, ToDoubleFunction<Sample> value) {
    return median(runs.stream().map(value::applyAsDouble).toList());
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  static String whole(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }

  static String decimal(double value) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.2f", value);
  }
}
