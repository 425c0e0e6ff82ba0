package com.cloutsy.redis.embedded;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Kills, at JVM exit, every redis-server this JVM started and did not stop, so a test run that never closes its
 * servers leaves no orphans behind.
 *
 * <p>One shutdown hook for all servers, registered when the first server starts. It gives the servers' owners
 * (another shutdown hook, such as a Spring context's) a moment to stop them in order first. It cannot help after
 * {@code kill -9} of the JVM or a JVM crash: nothing runs then.
 */
final class Reaper {

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
  private static final long EXIT_WAIT_MILLIS = 2_000;
  // Other shutdown hooks run at the same time: a Spring context closing its clients and then the server it owns
  // must not see the server killed under those clients first.
  private static final long OWNER_GRACE_MILLIS = 2_000;
  private static final long OWNER_POLL_MILLIS = 20;

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
    long graceEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(OWNER_GRACE_MILLIS);
    while (!LIVE.isEmpty() && System.nanoTime() - graceEnd < 0) {
      try {
        Thread.sleep(OWNER_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
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
