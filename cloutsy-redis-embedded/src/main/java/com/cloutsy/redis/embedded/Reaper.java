package com.cloutsy.redis.embedded;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Kills, at JVM exit, every redis-server this JVM started and did not stop, so a test run that never closes its
 * servers leaves no orphans behind.
 *
 * <p>One shutdown hook for all servers, registered when the first server starts. It cannot help after
 * {@code kill -9} of the JVM or a JVM crash: nothing runs then.
 */
final class Reaper {

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
  private static final long EXIT_WAIT_MILLIS = 2_000;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Reaper::killAll, "cloutsy-redis-reaper"));
  }

  private Reaper() {}

  static void watch(Process process) {
    LIVE.add(process);
  }

  static void forget(Process process) {
    LIVE.remove(process);
  }

  private static void killAll() {
    // SIGKILL rather than SIGTERM: the JVM is going away, nothing needs saving, and it also ends a paused server.
    LIVE.forEach(Process::destroyForcibly);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EXIT_WAIT_MILLIS);
    for (Process process : LIVE) {
      // Waiting lets this JVM reap the child, so no zombie outlives it under an init that does not reap.
      try {
        process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
