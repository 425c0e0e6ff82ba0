package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallerThreadTest {

  private static final Duration TIMEOUT = Duration.ofMillis(200);

  private final ExecutorService elsewhere = Executors.newSingleThreadExecutor(task -> new Thread(task, "elsewhere"));
  private final ExecutorService afterwards = Executors.newSingleThreadExecutor(task -> new Thread(task, "afterwards"));
  private final AtomicInteger storesGivenUp = new AtomicInteger();
  private final CallerThread caller = new CallerThread(afterwards, TIMEOUT.toNanos(), storesGivenUp::incrementAndGet);

  @AfterEach
  void stopExecutors() {
    elsewhere.shutdownNow();
    afterwards.shutdownNow();
  }

  @Test
  void workOfTheCallRunsOnTheWaitingThreadAndWorkAfterItsResultRunsAfterwards() {
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> "reply", elsewhere);

    String value = caller.await(reply.thenApplyAsync(r -> {
      ranOn.set(Thread.currentThread());
      return r + " decoded";
    }, caller));

    assertThat(value).isEqualTo("reply decoded");
    assertThat(ranOn.get()).isSameAs(Thread.currentThread());
    CompletableFuture<String> late = CompletableFuture.supplyAsync(() -> Thread.currentThread().getName(), caller);
    assertThat(late.orTimeout(5, TimeUnit.SECONDS).join()).isEqualTo("afterwards");
  }

  @Test
  void theWaitForAStoreEndsOneTimeoutAfterTheStartNotCountingTheCallsOwnWork() {
    Duration loader = Duration.ofMillis(300);
    CompletableFuture<Void> neverStored = new CompletableFuture<>();
    long started = System.nanoTime();

    String value = caller.await(CompletableFuture.supplyAsync(() -> {
      sleep(loader);
      return "loaded";
    }, caller).thenComposeAsync(loaded -> caller.awaitingStore(neverStored).thenApply(stored -> loaded), caller));

    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(value).isEqualTo("loaded");
    assertThat(storesGivenUp).hasValue(1);
    assertThat(took).as("the loader's time is not Redis's").isGreaterThanOrEqualTo(loader.plus(TIMEOUT));
    assertThat(took).isLessThan(loader.plus(TIMEOUT.multipliedBy(3)));
  }

  @Test
  void aStoreThatFinishesInTimeIsWaitedFor() {
    CompletableFuture<Void> stored = CompletableFuture.runAsync(() -> sleep(Duration.ofMillis(50)), elsewhere);

    String value = caller.await(CompletableFuture.completedFuture("loaded")
        .thenComposeAsync(loaded -> caller.awaitingStore(stored).thenApply(ok -> loaded), caller));

    assertThat(value).isEqualTo("loaded");
    assertThat(stored).isDone();
    assertThat(storesGivenUp).hasValue(0);
  }

  @Test
  void aFailureArrivesUnwrapped() {
    IllegalStateException failure = new IllegalStateException("loader failed");

    assertThatThrownBy(() -> caller.await(CompletableFuture.failedFuture(new CompletionException(failure))))
        .isSameAs(failure);
  }

  @Test
  void anInterruptDoesNotCutTheWaitShortAndIsKept() {
    CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> {
      sleep(Duration.ofMillis(100));
      return "reply";
    }, elsewhere);
    Thread.currentThread().interrupt();

    String value = caller.await(reply);

    assertThat(Thread.interrupted()).as("still interrupted").isTrue();
    assertThat(value).isEqualTo("reply");
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(interrupted);
    }
  }
}
