package com.cloutsy.redis.health;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@code name:value} lines of an {@code INFO} or {@code CLUSTER INFO} reply; section headers ({@code # Memory})
 * and blank lines are skipped. Fields missing from an older or a managed server read as absent, never as an error.
 */
final class InfoFields {

  private final Map<String, String> fields;

  private InfoFields(Map<String, String> fields) {
    this.fields = fields;
  }

  static InfoFields parse(String reply) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : reply.split("\r?\n", -1)) {
      int colon = line.indexOf(':');
      if (!line.isEmpty() && line.charAt(0) != '#' && colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
      }
    }
    return new InfoFields(fields);
  }

  Map<String, String> asMap() {
    return Map.copyOf(fields);
  }

  @Nullable String text(String name) {
    return fields.get(name);
  }

  String text(String name, String absent) {
    String value = fields.get(name);
    return value != null ? value : absent;
  }

  /** The field as a whole number, or {@code absent} if missing or not a number. */
  long number(String name, long absent) {
    String value = fields.get(name);
    if (value == null) {
      return absent;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException notANumber) {
      return absent;
    }
  }

  /** The field as a decimal number, or NaN if missing or not a number. */
  double decimal(String name) {
    String value = fields.get(name);
    if (value == null) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException notANumber) {
      return Double.NaN;
    }
  }
}
