package com.cloutsy.redis.cache;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A warning that is logged at most once per interval, with the number of like events left out since the last one:
 * an outage that degrades a thousand calls a second writes one line every interval, not a thousand. Thread-safe;
 * a suppressed event costs one counter increment.
 */
final class RateLimitedLog {

  private final Logger log;
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong nextReport;
  private final LongAdder suppressed = new LongAdder();

  RateLimitedLog(Logger log, Duration interval) {
    this(log, interval, System::nanoTime);
  }

  RateLimitedLog(Logger log, Duration interval, LongSupplier nanoTime) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
    this.nextReport = new AtomicLong(nanoTime.getAsLong());
  }

  /**
   * Logs {@code message} and the cause's one-line description at WARN, or counts it if the last report was less than
   * the interval ago.
   */
  void warn(String message, Throwable cause) {
    long now = nanoTime.getAsLong();
    long next = nextReport.get();
    if (now - next < 0 || !nextReport.compareAndSet(next, now + intervalNanos)) {
      suppressed.increment();
      return;
    }
    long left = suppressed.sumThenReset();
    if (left == 0) {
      log.warn("{}: {}", message, cause.toString());
    } else {
      log.warn("{}: {} ({} more like it since the last report)", message, cause.toString(), left);
    }
  }
}
