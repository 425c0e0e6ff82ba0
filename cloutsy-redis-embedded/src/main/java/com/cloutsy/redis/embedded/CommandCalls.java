package com.cloutsy.redis.embedded;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calls per command from the server's {@code INFO commandstats}, for tests and benchmarks that count what Redis ran.
 * The difference of two readings around some operations is the server's work for them, independent of machine
 * noise; commands that scripts run count too. {@code INFO} itself is left out, so the reading does not count itself.
 */
public final class CommandCalls {

  private static final Pattern LINE = Pattern.compile("^cmdstat_([^:]+):calls=(\\d+)", Pattern.MULTILINE);

  private CommandCalls() {}

  /**
   * The calls per command name (lower case, {@code info} left out) in the text of {@code INFO commandstats}.
   *
   * @param commandstats the reply of {@code INFO commandstats}
   * @return an immutable map, sorted by command name
   */
  public static Map<String, Long> parse(String commandstats) {
    Objects.requireNonNull(commandstats, "commandstats must not be null");
    Map<String, Long> calls = new TreeMap<>();
    Matcher line = LINE.matcher(commandstats);
    while (line.find()) {
      String command = line.group(1).toLowerCase(Locale.ROOT);
      if (!command.equals("info")) {
        calls.put(command, Long.parseLong(line.group(2)));
      }
    }
    return Collections.unmodifiableMap(calls);
  }

  /**
   * What ran between two readings: the commands whose calls grew, with how much.
   *
   * @param before the earlier reading
   * @param after the later reading
   * @return an immutable map, sorted by command name, of the commands that ran
   */
  public static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
    Objects.requireNonNull(before, "before must not be null");
    Objects.requireNonNull(after, "after must not be null");
    Map<String, Long> ran = new TreeMap<>();
    after.forEach((command, calls) -> {
      long difference = calls - before.getOrDefault(command, 0L);
      if (difference > 0) {
        ran.put(command, difference);
      }
    });
    return Collections.unmodifiableMap(ran);
  }
}
