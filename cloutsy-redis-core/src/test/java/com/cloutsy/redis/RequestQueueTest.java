package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * Issue 18, point 6: a frozen server (SIGSTOP) keeps its connections, so nothing tells the client it is gone. The
 * request queue ({@code REDIS_REQUEST_QUEUE_SIZE}) then bounds how many calls wait; every further call fails at once
 * with {@link RedisUnavailableException}, instead of each waiting for its timeout in an ever longer queue, and the
 * ones that waited complete when the server is thawed.
 */
@WithRedis
class RequestQueueTest {

  private static final int CALLS = 100_000;
  private static final int QUEUE = 5_000;
  /** Long enough that the queued calls outlive the freeze and complete after SIGCONT instead of timing out. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
  /** A call that fails "at once" fails within this of being made: far below the command timeout. */
  private static final Duration FAST_FAILURE = Duration.ofMillis(500);
  /**
   * Heap that the frozen state may hold. A queued call holds its Lettuce command, arguments, timeout task and the
   * stages above it, about 1-2 KiB: {@value #QUEUE} of them are under 10 MiB, while 100,000 queued calls (no bound)
   * hold about 100-200 MiB. 48 MiB leaves room for the JIT and allocation noise of the run, and fails long before an
   * unbounded queue's growth.
   */
  private static final long HEAP_BOUND = 48L << 20;

  @Test
  void aFrozenServerQueuesAtMostTheQueueSizeTheRestFailAtOnceAndTheQueueDrainsAfterSigcont(EmbeddedRedis server,
      TestReporter reporter) {
    RedisSettings settings = RedisSettings.builder().host(server.host()).port(server.port())
        .keyPrefix(TestRedis.freshPrefix()).commandTimeout(COMMAND_TIMEOUT).requestQueueSize(QUEUE).build();
    try (RedisService redis = RedisService.start(settings)) {
      redis.set("warm", "up");
      Outcomes outcomes = new Outcomes();
      long heapBefore = usedHeapAfterGc();

      server.pause();
      long submitStarted = System.nanoTime();
      for (int i = 0; i < CALLS; i++) {
        // Reads and writes: a read must not wait for a reconnect that never comes, a write never queues twice.
        CompletionStage<?> call = i % 2 == 0 ? redis.getAsync("k" + (i % 100)) : redis.setAsync("k" + (i % 100), "v");
        outcomes.track(call);
      }
      long submitMillis = (System.nanoTime() - submitStarted) / 1_000_000;
      // The rejected ones fail on the event loop right after they reach it.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(outcomes.failed.get())
          .as("calls failed while frozen").isGreaterThanOrEqualTo(CALLS - QUEUE));
      long pending = CALLS - outcomes.failed.get() - outcomes.succeeded.get();
      long heapFrozen = usedHeapAfterGc();
      long growth = heapFrozen - heapBefore;

      assertThat(outcomes.succeeded.get()).as("nothing answers while the server is frozen").isZero();
      assertThat(pending).as("calls waiting in the request queue").isLessThanOrEqualTo(QUEUE).isPositive();
      assertThat(outcomes.untyped.get()).as("failures other than RedisUnavailableException: %s",
          outcomes.firstUntyped.get()).isZero();
      assertThat(outcomes.slowestFailureNanos.get()).as("slowest failure, ns").isLessThan(FAST_FAILURE.toNanos());
      assertThat(growth).as("heap held by the frozen calls, bytes").isLessThan(HEAP_BOUND);

      server.resume();
      long resumed = System.nanoTime();
      await().atMost(COMMAND_TIMEOUT).until(() -> outcomes.failed.get() + outcomes.succeeded.get() == CALLS);
      long drainMillis = (System.nanoTime() - resumed) / 1_000_000;
      assertThat(outcomes.succeeded.get()).as("the queued calls complete after SIGCONT").isEqualTo(pending);
      assertThat(redis.get("warm")).isEqualTo("up");

      String summary = String.format("Request queue, server frozen by SIGSTOP: %,d async calls (GET/SET) in %d ms with"
              + " REDIS_REQUEST_QUEUE_SIZE=%,d: %,d waited, %,d failed at once with RedisUnavailableException (slowest"
              + " %d ms after its call), heap growth %.1f MiB (bound %d MiB); after SIGCONT the %,d waiting completed"
              + " in %d ms", CALLS, submitMillis, QUEUE, pending, outcomes.failed.get(),
          outcomes.slowestFailureNanos.get() / 1_000_000, growth / 1048576.0, HEAP_BOUND >> 20,
          outcomes.succeeded.get(), drainMillis);
      System.out.println(summary);
      reporter.publishEntry("request-queue", summary);
    }
  }

  private static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      memory.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** Counts outcomes without keeping the calls, so the heap measured is what the client holds. */
  private static final class Outcomes {
    final AtomicLong succeeded = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong untyped = new AtomicLong();
    final AtomicLong slowestFailureNanos = new AtomicLong();
    final AtomicReference<String> firstUntyped = new AtomicReference<>("none");

    void track(CompletionStage<?> call) {
      long started = System.nanoTime();
      call.whenComplete((value, failure) -> {
        if (failure == null) {
          succeeded.incrementAndGet();
          return;
        }
        slowestFailureNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
        Throwable error = ServerError.unwrap(failure);
        if (!(error instanceof RedisUnavailableException)) {
          untyped.incrementAndGet();
          firstUntyped.compareAndSet("none", error.toString());
        }
        failed.incrementAndGet();
      });
    }
  }
}
