package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.cloutsy.redis.FeatureCounters.Counter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FeatureCountersTest {

  private final FeatureCounters counters = new FeatureCounters();

  @Test
  void theSameNameAndTagsAreOneCounterWhateverTheTagOrder() {
    Counter first = counters.counter("cloutsy.redis.cache.gets", "result", "hit", "cache", "users");
    Counter second = counters.counter("cloutsy.redis.cache.gets", "cache", "users", "result", "hit");
    first.increment();
    second.add(2);

    assertThat(second).isSameAs(first);
    assertThat(first.count()).isEqualTo(3);
    assertThat(first.id().tags()).isEqualTo(Map.of("result", "hit", "cache", "users"));
    assertThat(counters.counter("cloutsy.redis.cache.gets", "result", "miss")).isNotSameAs(first);
  }

  @Test
  void aListenerSeesEveryCounterOnceWhetherItExistedBeforeOrCameLater() {
    counters.counter("a");
    List<Counter> seen = new CopyOnWriteArrayList<>();
    counters.forEach(seen::add);
    IntStream.range(0, 1_000).parallel().forEach(i -> counters.counter("b", "n", String.valueOf(i % 50)));

    assertThat(seen).hasSize(51).doesNotHaveDuplicates();
    assertThat(counters.all()).hasSize(51);
  }

  @Test
  void concurrentIncrementsAreAllCounted() {
    Counter counter = counters.counter("c");
    IntStream.range(0, 100_000).parallel().forEach(i -> counter.increment());

    assertThat(counter.count()).isEqualTo(100_000);
  }

  @Test
  void badNamesTagsAndAmountsAreRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> counters.counter(" "))
        .withMessage("counter name must not be blank");
    assertThatIllegalArgumentException().isThrownBy(() -> counters.counter("x", "result"))
        .withMessage("tags must be key/value pairs, got 1 strings");
    assertThatIllegalArgumentException().isThrownBy(() -> counters.counter("x").add(-1))
        .withMessage("a counter only grows; amount was -1");
  }
}
