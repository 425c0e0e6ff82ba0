package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.RedisUnavailableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SingleFlightTest {

  private final SingleFlight<String, String> flights = new SingleFlight<>();

  @Test
  void callersOfOneKeyShareTheLeadersFlightUntilItCompletes() {
    AtomicInteger leads = new AtomicInteger();
    CompletableFuture<String> led = new CompletableFuture<>();

    CompletableFuture<String> first = flights.join("k", () -> {
      leads.incrementAndGet();
      return led;
    });
    CompletableFuture<String> second = flights.join("k", () -> {
      leads.incrementAndGet();
      return CompletableFuture.completedFuture("second");
    });
    CompletableFuture<String> other = flights.join("other", () -> CompletableFuture.completedFuture("other"));

    assertThat(second).as("joined the running flight").isSameAs(first).isNotDone();
    assertThat(other).isCompletedWithValue("other");
    led.complete("value");
    assertThat(first).isCompletedWithValue("value");
    assertThat(leads).hasValue(1);
    assertThat(flights.size()).as("the flight ended").isZero();
    assertThat(flights.join("k", () -> CompletableFuture.completedFuture("again"))).isCompletedWithValue("again");
  }

  /** A blocking cache call returns as soon as its flight's result arrives, maybe before the completing thread ends. */
  @Test
  void aCallerThatHasTheResultAndAsksAgainStartsANewFlight() {
    CompletableFuture<String> led = new CompletableFuture<>();
    CompletableFuture<CompletableFuture<String>> askedAgain = new CompletableFuture<>();
    flights.join("k", () -> led).thenRun(() -> askedAgain.complete(
        flights.join("k", () -> CompletableFuture.completedFuture("fresh"))));

    led.complete("first");

    assertThat(askedAgain.join()).as("a flight of its own, not the finished one").isCompletedWithValue("fresh");
  }

  @Test
  void aFailedOrThrowingLeaderEndsItsFlightAndItsFailureArrivesUnwrapped() throws InterruptedException {
    RedisUnavailableException down = new RedisUnavailableException("down", new IllegalStateException());
    CompletableFuture<String> failed = flights.join("k",
        () -> CompletableFuture.failedFuture(new CompletionException(new ExecutionException(down))));
    IllegalStateException bug = new IllegalStateException("bug");
    CompletableFuture<String> thrown = flights.join("t", () -> {
      throw bug;
    });

    assertThat(failed).isCompletedExceptionally();
    assertThat(cause(failed)).isSameAs(down);
    assertThat(cause(thrown)).isSameAs(bug);
    assertThat(flights.size()).isZero();
  }

  private static Throwable cause(CompletableFuture<String> future) throws InterruptedException {
    try {
      future.get();
      throw new AssertionError("the flight did not fail");
    } catch (ExecutionException failed) {
      return failed.getCause();
    }
  }
}
