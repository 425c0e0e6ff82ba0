package com.cloutsy.redis.cache;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The cache server's clock as this process estimates it: the local clock plus an offset measured with Redis TIME,
 * so that the expiry a writer records in an entry ({@link Envelope}) and the "now" a reader compares it with
 * ({@link EarlyRefresh}, the near cache's lifetime) are both the server's, whatever each JVM's clock says.
 *
 * <p>Design notes. The offset is {@code TIME - (sent + received) / 2} by the local clock, so its error is at most
 * half a round trip (well under a millisecond on a LAN; XFetch decides on the scale of load times). It is measured
 * when the cache opens and again, off the caller's path, when a minute has passed by {@link System#nanoTime()} (a
 * local clock that jumps cannot postpone it), and a second after a failed TIME. Until the first answer the offset
 * is zero: a cache opened while Redis is down decides with the local clock, as it would have without this class.
 * Only the two ends of a difference cross it (a load's duration is measured with the local clock), and every
 * expiry and limit is still decided by Redis's own TTL; this keeps a skewed JVM clock from turning every read into
 * an early refresh (a clock ahead of the writer's) or from disabling early refresh (a clock behind it).
 */
final class ServerClock extends Clock {

  private static final long RESYNC_NANOS = Duration.ofMinutes(1).toNanos();
  private static final long RETRY_NANOS = Duration.ofSeconds(1).toNanos();

  private final Clock local;
  private final Supplier<? extends CompletionStage<List<byte[]>>> time;
  private final AtomicBoolean asking = new AtomicBoolean();
  private volatile long offsetMillis;
  private volatile long nextSyncNanos;
  private volatile boolean synced;

  /**
   * Starts measuring the offset at once.
   *
   * @param local the process's clock, injected in tests
   * @param time sends TIME on the cache's connection, to the server that holds its entries
   */
  ServerClock(Clock local, Supplier<? extends CompletionStage<List<byte[]>>> time) {
    this.local = local;
    this.time = time;
    this.nextSyncNanos = System.nanoTime();
    sync();
  }

  /** Whether TIME has answered once; before that the offset is zero. */
  boolean isSynced() {
    return synced;
  }

  @Override
  public long millis() {
    if (System.nanoTime() - nextSyncNanos >= 0) {
      sync();
    }
    return local.millis() + offsetMillis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return local.getZone();
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the server clock has no zone of its own");
  }

  private void sync() {
    if (!asking.compareAndSet(false, true)) {
      return;
    }
    long sent = local.millis();
    CompletionStage<List<byte[]>> reply;
    try {
      reply = time.get();
    } catch (RuntimeException closedOrNotStarted) {
      retryLater();
      asking.set(false);
      return;
    }
    reply.whenComplete((secondsAndMicros, failure) -> {
      try {
        if (failure == null && secondsAndMicros != null && secondsAndMicros.size() == 2) {
          long serverMillis = Long.parseLong(new String(secondsAndMicros.get(0), US_ASCII)) * 1000
              + Long.parseLong(new String(secondsAndMicros.get(1), US_ASCII)) / 1000;
          long received = local.millis();
          offsetMillis = serverMillis - (sent + (received - sent) / 2);
          synced = true;
          nextSyncNanos = System.nanoTime() + RESYNC_NANOS;
        } else {
          retryLater();
        }
      } catch (NumberFormatException notTime) {
        retryLater();
      } finally {
        asking.set(false);
      }
    });
  }

  private void retryLater() {
    nextSyncNanos = System.nanoTime() + RETRY_NANOS;
  }
}
