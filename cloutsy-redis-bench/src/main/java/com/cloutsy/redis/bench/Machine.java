package com.cloutsy.redis.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** What the numbers were measured on, for the report's header. */
final class Machine {

  private Machine() {}

  static String describe(String redisVersion, String redisOrigin) {
    return "- date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) + "\n"
        + "- machine: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores available, "
        + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")
        + "\n"
        + "- Java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + "\n"
        + "- Redis: " + redisVersion + " (" + redisOrigin + "), on the same machine over loopback\n"
        + "- Lettuce: " + version(io.lettuce.core.RedisClient.class) + "\n";
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(line -> line.startsWith("model name"))
          .map(line -> line.substring(line.indexOf(':') + 1).strip())
          .findFirst().orElse("unknown CPU");
    } catch (IOException | RuntimeException unreadable) {
      return "unknown CPU";
    }
  }

  private static String version(Class<?> type) {
    String version = type.getPackage().getImplementationVersion();
    return version == null ? "unknown" : version;
  }
}
