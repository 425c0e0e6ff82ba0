package com.cloutsy.redis.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ResultsTest {

  private final Scenario ours = scenario("ours", Scenario.Role.OURS);
  private final Scenario peer = scenario("peer", Scenario.Role.PEER);
  private final Results results = new Results(List.of(ours, peer));

  @Test
  void dividesWithinARoundBeforeTakingTheMedian() {
    // Round 2 is slow for both: its ratio is 2 like the others, though its throughputs are far from the medians.
    add(ours, 1, 2_000);
    add(peer, 1, 1_000);
    add(ours, 2, 200);
    add(peer, 2, 100);
    add(ours, 3, 3_000);
    add(peer, 3, 1_000);

    assertThat(results.ratio(ours, peer, 64)).isCloseTo(2.0, within(1e-9));
    assertThat(results.opsPerSecond(ours, 64)).isCloseTo(2_000, within(1e-9));
  }

  @Test
  void dividesTheServersCommandsByEveryOperationOfThePhases() {
    results.add(new Results.Sample(ours, 64, 1, measurement(1_000, 1_250), 5_000));
    results.add(new Results.Sample(ours, 64, 2, measurement(1_000, 1_250), 5_000));

    assertThat(results.serverCommands(ours, 64)).isCloseTo(4.0, within(1e-9));
  }

  @Test
  void reportsNoRatioWhereARoundIsMissing() {
    add(ours, 1, 2_000);

    assertThat(results.ratio(ours, peer, 64)).isNaN();
  }

  private void add(Scenario scenario, int round, long operationsPerSecond) {
    results.add(new Results.Sample(scenario, 64, round, measurement(operationsPerSecond, operationsPerSecond), 0));
  }

  /** A one-second phase with this many operations. */
  private static LoadRun.Measurement measurement(long operations, long allOperations) {
    Histogram latency = new Histogram(3);
    latency.recordValue(1_000);
    return new LoadRun.Measurement(operations, 0, Duration.ofSeconds(1), latency, allOperations, null);
  }

  private static Scenario scenario(String name, Scenario.Role role) {
    return new Scenario("group", name, role,
        new Scenario.Load.Async(() -> CompletableFuture.completedFuture(null)), "test", null);
  }
}
