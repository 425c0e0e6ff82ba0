package com.cloutsy.redis;

import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.CommandCalls;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one call costs on the server: the commands Redis executed, by diffing {@code INFO commandstats} around it
 * (commands run inside a script count too), and the round trips, counted as the commands the measured service
 * sent. Use a server no other test talks to while it measures.
 */
public final class CommandStats implements AutoCloseable {

  private final RedisService measured;
  private final RedisService admin;
  private final AtomicLong sent = new AtomicLong();

  private CommandStats(RedisSettings settings) {
    measured = RedisService.create(settings);
    // Lettuce wires command listeners into a connection when it is made, so this comes before start().
    measured.client().addListener(new CommandListener() {
      @Override
      public void commandStarted(CommandStartedEvent event) {
        sent.incrementAndGet();
      }
    });
    measured.start();
    admin = RedisService.start(settings);
  }

  /** Connects a measured service and a second one that reads the statistics, so its INFO is not counted. */
  public static CommandStats start(RedisSettings settings) {
    return new CommandStats(settings);
  }

  /** The service whose calls are measured. */
  public RedisService measured() {
    return measured;
  }

  /** Runs {@code action}, which calls Redis through {@link #measured()}, and returns what it cost. */
  public Delta during(Runnable action) {
    Map<String, Long> before = calls();
    long sentBefore = sent.get();
    action.run();
    long roundTrips = sent.get() - sentBefore;
    return new Delta(CommandCalls.since(before, calls()), roundTrips);
  }

  private Map<String, Long> calls() {
    return CommandCalls.parse(admin.connection().sync().info("commandstats"));
  }

  @Override
  public void close() {
    measured.close();
    admin.close();
  }

  /**
   * The cost of one measured action.
   *
   * @param calls server-side calls per command name (lower case), INFO excluded
   * @param roundTrips commands the measured service sent
   */
  public record Delta(Map<String, Long> calls, long roundTrips) {

    /** Calls of one command, e.g. {@code evalsha}. */
    public long calls(String command) {
      return calls.getOrDefault(command, 0L);
    }

    /** Every command the server executed, those inside scripts included. */
    public long commands() {
      return calls.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
