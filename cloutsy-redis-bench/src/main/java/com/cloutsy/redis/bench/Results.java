package com.cloutsy.redis.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Everything one run measured, and the figures the report shows: medians over the rounds, and ratios taken between
 * measurements of the same round and caller count before their median is taken.
 */
final class Results {

  /**
   * One measured phase of one scenario.
   *
   * @param serverCommands commands the server ran over the whole phase (warm-up and drain included), per INFO
   *     commandstats, scripts' commands included
   */
  record Sample(Scenario scenario, int callers, int round, LoadRun.Measurement measurement, long serverCommands) {}

  /**
   * What one operation cost with one caller, over a fixed number of operations.
   *
   * @param commandsSent commands the client wrote per operation, counted on the wire
   * @param roundTrips flushes per operation: requests the caller waited for
   * @param serverCommands commands the server ran per operation, scripts' commands included
   * @param breakdown the same per command, e.g. {@code evalsha 1.00, get 1.00, set 1.00, time 1.00}
   * @param clientCpuMicros CPU time of this JVM per operation: the client's work, its I/O threads included
   * @param serverCpuMicros CPU time of the Redis server per operation
   */
  record Footprint(double commandsSent, double roundTrips, double serverCommands, String breakdown,
      double clientCpuMicros, double serverCpuMicros) {}

  private final List<Scenario> scenarios = new ArrayList<>();
  private final List<Sample> samples = new ArrayList<>();
  private final Map<Scenario, Footprint> footprints = new LinkedHashMap<>();
  private final Map<Scenario, List<Double>> memory = new LinkedHashMap<>();

  Results(List<Scenario> scenarios) {
    this.scenarios.addAll(scenarios);
  }

  void add(Sample sample) {
    samples.add(sample);
  }

  void footprint(Scenario scenario, Footprint footprint) {
    footprints.put(scenario, footprint);
  }

  void memory(Scenario scenario, List<Double> bytesPerUnit) {
    memory.put(scenario, List.copyOf(bytesPerUnit));
  }

  List<String> groups() {
    Set<String> groups = new LinkedHashSet<>();
    scenarios.forEach(scenario -> groups.add(scenario.group()));
    return List.copyOf(groups);
  }

  List<Scenario> scenarios(String group) {
    return scenarios.stream().filter(scenario -> scenario.group().equals(group)).toList();
  }

  Optional<Scenario> find(String group, String name) {
    return scenarios.stream().filter(scenario -> scenario.group().equals(group) && scenario.name().equals(name))
        .findFirst();
  }

  Set<Integer> callerCounts() {
    Set<Integer> counts = new TreeSet<>();
    samples.forEach(sample -> counts.add(sample.callers()));
    return counts;
  }

  private List<Sample> runs(Scenario scenario, int callers) {
    return samples.stream().filter(sample -> sample.scenario().equals(scenario) && sample.callers() == callers)
        .toList();
  }

  boolean measured(Scenario scenario, int callers) {
    return !runs(scenario, callers).isEmpty();
  }

  double opsPerSecond(Scenario scenario, int callers) {
    return median(runs(scenario, callers), sample -> sample.measurement().opsPerSecond());
  }

  double micros(Scenario scenario, int callers, double percentile) {
    return median(runs(scenario, callers), sample -> sample.measurement().micros(percentile));
  }

  long failures(Scenario scenario) {
    return samples.stream().filter(sample -> sample.scenario().equals(scenario))
        .mapToLong(sample -> sample.measurement().failures()).sum();
  }

  @Nullable Throwable firstFailure(Scenario scenario) {
    return samples.stream().filter(sample -> sample.scenario().equals(scenario))
        .map(sample -> sample.measurement().firstFailure()).filter(failure -> failure != null).findFirst()
        .orElse(null);
  }

  /** Server commands per operation under this load, over every round (NaN if nothing completed). */
  double serverCommands(Scenario scenario, int callers) {
    List<Sample> runs = runs(scenario, callers);
    long commands = runs.stream().mapToLong(Sample::serverCommands).sum();
    long operations = runs.stream().mapToLong(sample -> sample.measurement().allOperations()).sum();
    return operations == 0 ? Double.NaN : (double) commands / operations;
  }

  /** The latencies of every round at this caller count, merged. */
  Histogram latency(Scenario scenario, int callers) {
    Histogram merged = new Histogram(3);
    runs(scenario, callers).forEach(sample -> merged.add(sample.measurement().latencyNanos()));
    return merged;
  }

  /** The median over the rounds of {@code row}'s throughput divided by {@code reference}'s in the same round. */
  double ratio(Scenario row, Scenario reference, int callers) {
    List<Double> ratios = new ArrayList<>();
    for (Sample run : runs(row, callers)) {
      runs(reference, callers).stream().filter(other -> other.round() == run.round()).findFirst()
          .ifPresent(base -> ratios.add(run.measurement().opsPerSecond() / base.measurement().opsPerSecond()));
    }
    return ratios.isEmpty() ? Double.NaN : median(ratios);
  }

  /** The ratio by name, NaN when either scenario was not run. */
  double ratio(String group, String row, String reference, int callers) {
    Optional<Scenario> ours = find(group, row);
    Optional<Scenario> theirs = find(group, reference);
    return ours.isPresent() && theirs.isPresent() ? ratio(ours.get(), theirs.get(), callers) : Double.NaN;
  }

  @Nullable Footprint footprint(Scenario scenario) {
    return footprints.get(scenario);
  }

  Optional<Footprint> footprint(String group, String name) {
    return find(group, name).map(footprints::get);
  }

  /** Bytes per unit of the scenario's memory measurement, one per step; empty when it has none. */
  List<Double> memory(Scenario scenario) {
    return memory.getOrDefault(scenario, List.of());
  }

  List<Double> memory(String group, String name) {
    return find(group, name).map(this::memory).orElse(List.of());
  }

  private static double median(List<Sample> runs, ToDoubleFunction<Sample> value) {
    return median(runs.stream().map(value::applyAsDouble).toList());
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }
}
