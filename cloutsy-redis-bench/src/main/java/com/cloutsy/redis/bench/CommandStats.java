package com.cloutsy.redis.bench;

import com.cloutsy.redis.embedded.CommandCalls;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Calls per command from {@code INFO commandstats} (read by {@link CommandCalls}, as the tests read it). The
 * difference of two readings around a fixed number of operations is what the server ran for them, independent of
 * machine noise. Commands that scripts run count too, so it is the server's work per operation, not the client's
 * round trips. The harness's own {@code INFO} is left out.
 *
 * @param calls command name to calls
 */
record CommandStats(Map<String, Long> calls) {

  static CommandStats read(RedisCommands<String, String> redis) {
    return new CommandStats(CommandCalls.parse(redis.info("commandstats")));
  }

  /** What ran between {@code earlier} and this reading. */
  CommandStats since(CommandStats earlier) {
    return new CommandStats(CommandCalls.since(earlier.calls, calls));
  }
  long total() {
    return calls.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Per-operation calls, largest first, e.g. {@code evalsha 1, get 1, time 1, set 1}. */
  String perOperation(long operations) {
    return calls.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(entry -> entry.getKey() + " " + Targets.decimal((double) entry.getValue() / operations))
        .collect(Collectors.joining(", "));
  }
}
