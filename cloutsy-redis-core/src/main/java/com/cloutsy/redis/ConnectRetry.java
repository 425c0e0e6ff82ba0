package com.cloutsy.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.resource.Delay;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects a service that was started lazily ({@code REDIS_LAZY_CONNECT}) while Redis was away: one attempt after
 * another on a thread of its own, with the reconnect delays of a dropped connection (jittered, at most about a
 * second), until one succeeds or the service closes. Lettuce reconnects only connections it once made, so the first
 * one is made here.
 *
 * <p>Until then every call of the service fails with the reason of the last attempt ({@link #notConnected}): a
 * {@link RedisUnavailableException}, or a {@link RedisMisconfigurationException} when the server refused the
 * credentials, so each capability's failure policy applies as during any outage.
 */
final class ConnectRetry implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisService.class);

  private final String endpoint;
  private final Delay delay;
  private final Supplier<Connected> attempt;
  private final Function<RedisException, RuntimeException> explain;
  private final Predicate<Connected> adopt;
  private final ScheduledExecutorService thread;
  private volatile RuntimeException lastFailure;
  private int attempts;

  /**
   * Starts retrying after {@code firstFailure}. {@code attempt} connects or throws; {@code explain} turns its failure
   * into what callers see; {@code adopt} takes the connection and returns false when the service closed meanwhile
   * (it then closes the connection itself).
   */
  ConnectRetry(String endpoint, Delay delay, RuntimeException firstFailure, Supplier<Connected> attempt,
      Function<RedisException, RuntimeException> explain, Predicate<Connected> adopt) {
    this.endpoint = endpoint;
    this.delay = delay;
    this.attempt = attempt;
    this.explain = explain;
    this.adopt = adopt;
    this.lastFailure = firstFailure;
    this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread connecting = new Thread(task, "cloutsy-redis-connect");
      connecting.setDaemon(true);
      return connecting;
    });
    log.warn("Redis error: cannot connect to {} at start-up ({}); REDIS_LAZY_CONNECT is on, so the service starts"
        + " without it and connects once it answers", endpoint, firstFailure.getMessage());
    schedule();
  }

  /** What a call made now fails with: the reason the last attempt failed. */
  RuntimeException notConnected() {
    RuntimeException last = lastFailure;
    String message = "Redis at " + endpoint + " is not connected yet (lazy start, connecting): " + last.getMessage();
    return last instanceof RedisMisconfigurationException
        ? new RedisMisconfigurationException(message, last)
        : new RedisUnavailableException(message, last);
  }

  private void schedule() {
    attempts++;
    try {
      // Not kept: tryOnce handles its own failures, and close() ends the thread.
      ScheduledFuture<?> unused =
          thread.schedule(this::tryOnce, delay.createDelay(attempts).toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      // close() came first: nothing more to try.
    }
  }

  private void tryOnce() {
    Connected made;
    try {
      made = attempt.get();
    } catch (RedisException failed) {
      lastFailure = explain.apply(failed);
      log.debug("Redis connect attempt {} to {} failed: {}", attempts, endpoint, lastFailure.getMessage());
      schedule();
      return;
    }
    if (adopt.test(made)) {
      log.info("Redis connected after {} attempts since a lazy start: {}", attempts, endpoint);
    }
    thread.shutdown();
  }

  /** Stops retrying; an attempt under way finishes and finds the service closed. */
  @Override
  public void close() {
    thread.shutdown();
  }
}
