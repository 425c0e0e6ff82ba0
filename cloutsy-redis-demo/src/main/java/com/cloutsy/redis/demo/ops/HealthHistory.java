package com.cloutsy.redis.demo.ops;

import com.cloutsy.redis.health.HealthCheck;
import com.cloutsy.redis.health.HealthReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The last ten minutes of Redis health, one sample every five seconds, for the ops page's latency sparkline. Sampled
 * by the server whether or not a page is open, so the line has evenly spaced points and a page opened now already
 * shows the minutes before. Each sample runs the starter's {@link HealthCheck} (PING, INFO, a write probe; bounded
 * by its timeout, never throws). Thread-safe.
 */
@Component
class HealthHistory {

  /** Samples kept: ten minutes at one every {@link #INTERVAL_MILLIS}. */
  static final int CAPACITY = 120;

  private static final long INTERVAL_MILLIS = 5_000;

  /**
   * One sample.
   *
   * @param pingMillis the PING round trip, or null when PING failed
   * @param status {@code UP}, {@code DEGRADED} or {@code DOWN}
   */
  record Sample(Instant at, @Nullable Double pingMillis, String status) {}

  private final HealthCheck check;
  private final Deque<Sample> samples = new ArrayDeque<>(CAPACITY);

  HealthHistory(HealthCheck check) {
    this.check = check;
  }

  @Scheduled(fixedDelay = INTERVAL_MILLIS)
  void sample() {
    record(check.health());
  }

  /** Adds {@code report}, dropping the oldest sample beyond {@link #CAPACITY}. */
  synchronized void record(HealthReport report) {
    if (samples.size() == CAPACITY) {
      samples.removeFirst();
    }
    samples.addLast(new Sample(report.checkedAt(), millis(report.pingLatency()), report.status().name()));
  }

  /** The samples, oldest first. */
  synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }

  static @Nullable Double millis(@Nullable Duration latency) {
    return latency == null ? null : latency.toNanos() / 1_000_000.0;
  }
}
