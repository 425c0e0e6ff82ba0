package com.cloutsy.redis.resilience;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Counts what a scenario leaves behind: threads of the library (Lettuce's and the event bus's, named {@code lettuce-*}
 * and {@code cloutsy-*}) and of the load, and redis-server processes started by this JVM. A snapshot is taken before
 * the scenario; after it, each count waits a few seconds for things to wind down before it is final.
 */
final class Leaks {

  private static final List<String> OWN_THREADS = List.of("lettuce-", "cloutsy-", "resilience-");
  private static final Duration WIND_DOWN = Duration.ofSeconds(5);

  private final Set<Long> threadsBefore;
  private final long processesBefore;

  private Leaks(Set<Long> threadsBefore, long processesBefore) {
    this.threadsBefore = threadsBefore;
    this.processesBefore = processesBefore;
  }

  static Leaks snapshot() {
    return new Leaks(ownThreads().stream().map(Thread::getId).collect(Collectors.toSet()), redisServerProcesses());
  }

  /** Library and load threads started since the snapshot and still alive after a wind-down. */
  List<String> threads() {
    waitFor(() -> newThreads().isEmpty());
    return newThreads();
  }

  /** redis-server processes started since the snapshot and still alive after a wind-down. */
  long processes() {
    waitFor(() -> redisServerProcesses() <= processesBefore);
    return Math.max(0, redisServerProcesses() - processesBefore);
  }

  /** Connections the server still has besides the admin's, after a wind-down. */
  static long connections(Admin admin) {
    waitFor(() -> admin.otherClients() == 0);
    return admin.otherClients();
  }

  private List<String> newThreads() {
    return ownThreads().stream().filter(thread -> !threadsBefore.contains(thread.getId()))
        .map(Thread::getName).sorted().toList();
  }

  private static List<Thread> ownThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.isAlive() && OWN_THREADS.stream().anyMatch(thread.getName()::startsWith))
        .toList();
  }

  static long redisServerProcesses() {
    return ProcessHandle.current().descendants()
        .filter(ProcessHandle::isAlive)
        .filter(process -> process.info().command().map(command -> command.endsWith("redis-server")).orElse(false))
        .count();
  }

  private static void waitFor(java.util.concurrent.Callable<Boolean> condition) {
    try {
      Awaitility.await().atMost(WIND_DOWN).pollInterval(Duration.ofMillis(100)).until(condition);
    } catch (ConditionTimeoutException stillThere) {
      // The count that follows reports what is left.
    }
  }
}
