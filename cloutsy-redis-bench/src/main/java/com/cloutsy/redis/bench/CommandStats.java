package com.cloutsy.redis.bench;

import io.lettuce.core.api.sync.RedisCommands;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Calls per command from {@code INFO commandstats}. The difference of two readings around a fixed number of
 * operations is what the server ran for them, independent of machine noise. Commands that scripts run count too,
 * so it is the server's work per operation, not the client's round trips. The harness's own {@code INFO} is left
 * out.
 *
 * @param calls command name to calls
 */
record CommandStats(Map<String, Long> calls) {

  private static final Pattern LINE = Pattern.compile("^cmdstat_([^:]+):calls=(\\d+)", Pattern.MULTILINE);

  static CommandStats read(RedisCommands<String, String> redis) {
    Map<String, Long> calls = new TreeMap<>();
    Matcher matcher = LINE.matcher(redis.info("commandstats"));
    while (matcher.find()) {
      if (!matcher.group(1).equals("info")) {
        calls.put(matcher.group(1), Long.parseLong(matcher.group(2)));
      }
    }
    return new CommandStats(Map.copyOf(calls));
  }

  /** What ran between {@code earlier} and this reading. */
  CommandStats since(CommandStats earlier) {
    Map<String, Long> delta = new TreeMap<>();
    calls.forEach((name, count) -> {
      long ran = count - earlier.calls.getOrDefault(name, 0L);
      if (ran > 0) {
        delta.put(name, ran);
      }
    });
    return new CommandStats(delta);
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
