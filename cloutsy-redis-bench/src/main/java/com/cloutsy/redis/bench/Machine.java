package com.cloutsy.redis.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** What the numbers were measured on and with, for the report's header. */
final class Machine {

  private Machine() {}

  /** CPU model, cores and memory, e.g. {@code AMD EPYC, 2 cores available, 24 GiB, Linux 6.1 amd64}. */
  static String hardware() {
    return cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores available, " + memory() + ", "
        + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
  }

  static String java() {
    return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + ", heap up to "
        + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB";
  }

  /** The 1, 5 and 15 minute load averages, e.g. {@code 5.12 4.80 3.90}; "unknown" off Linux. */
  static String load() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+", -1);
      return fields[0] + " / " + fields[1] + " / " + fields[2];
    } catch (IOException | RuntimeException unreadable) {
      return "unknown";
    }
  }

  /** The commit the harness was built from, and whether code (anything but docs/ and Markdown) differed from it. */
  static String commit() {
    List<String> head = git("rev-parse", "--short=12", "HEAD");
    if (head.isEmpty()) {
      return "unknown (no git)";
    }
    List<String> changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)docs",
        ":(exclude)*.md");
    return head.get(0) + (changed.isEmpty() ? " (clean)" : " with uncommitted changes to " + changed.size()
        + " files");
  }

  /**
   * A library's version, from the {@code pom.properties} Maven puts in its jar, else from its manifest.
   *
   * @param type any class of the library
   */
  static String version(Class<?> type, String groupId, String artifactId) {
    String resource = "/META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
    try (InputStream in = type.getResourceAsStream(resource)) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        String version = properties.getProperty("version");
        if (version != null) {
          return version;
        }
      }
    } catch (IOException unreadable) {
      // Fall back to the manifest.
    }
    String version = type.getPackage().getImplementationVersion();
    return version == null ? "unknown" : version;
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

  private static String memory() {
    try {
      long kib = Files.readAllLines(Path.of("/proc/meminfo")).stream()
          .filter(line -> line.startsWith("MemTotal:"))
          .map(line -> line.replaceAll("[^0-9]", ""))
          .mapToLong(Long::parseLong).findFirst().orElseThrow();
      return String.format(Locale.ROOT, "%.0f GiB", kib / 1024.0 / 1024.0);
    } catch (IOException | RuntimeException unreadable) {
      return "unknown memory";
    }
  }

  private static List<String> git(String... arguments) {
    try {
      String[] command = new String[arguments.length + 1];
      command[0] = "git";
      System.arraycopy(arguments, 0, command, 1, arguments.length);
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        return List.of();
      }
      return output.lines().filter(line -> !line.isBlank()).toList();
    } catch (IOException unavailable) {
      return List.of();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }
}
