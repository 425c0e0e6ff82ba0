package com.cloutsy.redis.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Typed reads of {@code REDIS_*} variables. Every failure names the variable and what was expected; values of
 * variables that hold secrets are never echoed.
 */
final class Environment {

  private final Map<String, String> variables;

  Environment(Map<String, String> variables) {
    this.variables = variables;
  }

  /** The trimmed value, or null when unset or blank (a blank {@code REDIS_PASSWORD=} in a compose file is unset). */
  @Nullable String text(String name) {
    String value = variables.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  int integer(String name, int min, int max, int fallback) {
    String value = text(name);
    if (value == null) {
      return fallback;
    }
    return integer(value, name, min, max);
  }

  Duration millis(String name, long min, Duration fallback) {
    String value = text(name);
    if (value == null) {
      return fallback;
    }
    return Duration.ofMillis(integer(value, name, (int) min, Integer.MAX_VALUE));
  }

  boolean flag(String name, boolean fallback) {
    String value = text(name);
    if (value == null) {
      return fallback;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new InvalidSettingException(name, name + " must be true or false, was \"" + value + "\"");
    };
  }

  @Nullable Path path(String name) {
    String value = text(name);
    if (value == null) {
      return null;
    }
    try {
      return Path.of(value);
    } catch (InvalidPathException invalid) {
      throw new InvalidSettingException(name, name + " must be a file path, was \"" + value + "\"");
    }
  }

  List<HostPort> hostPorts(String name) {
    String value = text(name);
    List<HostPort> nodes = new ArrayList<>();
    if (value != null) {
      for (String node : value.split(",", -1)) {
        if (!node.isBlank()) {
          nodes.add(HostPort.parse(node, name));
        }
      }
    }
    return List.copyOf(nodes);
  }

  static int port(String text, String name) {
    return integer(text.trim(), name, 1, 65535);
  }

  private static int integer(String value, String name, int min, int max) {
    String expected = max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer " + min + "-" + max;
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException notANumber) {
      // reported below with the variable's name, which the JDK's message lacks
    }
    throw new InvalidSettingException(name, name + " must be " + expected + ", was \"" + value + "\"");
  }
}
