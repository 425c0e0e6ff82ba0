package com.cloutsy.redis.resilience;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The report the suite writes: every scenario's findings, the run's date and machine, and what is not covered. The
 * quick form writes it under {@code target/reliability/}; the full run ({@code -Preliability}) to
 * {@code docs/RELIABILITY.md}. {@link ReportWriter} calls {@link #write} once all tests have run.
 */
final class Reliability {

  private static final List<Findings> SECTIONS = new ArrayList<>();
  private static String redisVersion = "unknown";

  private static final List<String> NOT_COVERED = List.of(
      "Redis Cluster and Sentinel failover under this suite's mixed load: they are measured by core's"
          + " ClusterFailoverIT and SentinelFailoverIT (sessions and rate limits while a master is killed; lost"
          + " acknowledged sessions with and without WAIT), whose figures are in docs/OPERATIONS.md, not here.",
      "Slot migration and resharding under a session load, a frozen server with 100,000 calls against the request"
          + " queue, and subscribers dropped for client-output-buffer-limit: measured by core's SlotMigrationIT,"
          + " RequestQueueTest and EventBusOutputLimitTest, whose figures are in docs/OPERATIONS.md section 10.",
      "TLS: no fault of this suite runs through a TLS connection; a certificate change under load is measured by"
          + " core's TlsCertificateChangeIT (docs/OPERATIONS.md, TLS).",
      "A silently dead peer on a real network: the loopback proxy cannot make the kernel stop acknowledging, so the"
          + " blackhole is detected through a full receive window and TCP_USER_TIMEOUT, or through command"
          + " timeouts; packet loss and reordering (netem) are not available on this machine.",
      "Restarts without persistence lose every count by design (sessions, limits, lockouts, OTP state start empty):"
          + " the restart scenario runs with appendonly yes and appendfsync always, the configuration security state"
          + " needs; a server without it is not measured for lost writes.",
      "Several application instances at once: every scenario runs one RedisService per server; cross-instance"
          + " races are covered by the capabilities' own concurrency tests, not under faults.",
      "Long soaks: the full run lasts minutes, not hours; slow leaks below the counted threads, connections and"
          + " processes (heap growth, file descriptors) are not measured.",
      "Redis 7.x: the suite runs the embedded 6.2 binary unless REDIS_SERVER_BIN or a redis-server on PATH says"
          + " otherwise.");

  private Reliability() {}

  static synchronized void add(Findings findings) {
    SECTIONS.removeIf(section -> section.title().equals(findings.title()));
    SECTIONS.add(findings);
  }

  static synchronized void redisVersion(String version) {
    redisVersion = version;
  }

  static synchronized boolean isEmpty() {
    return SECTIONS.isEmpty();
  }

  /** Writes the report to {@code target}, replacing it. */
  static synchronized void write(Path target) {
    List<Findings> sections = new ArrayList<>(SECTIONS);
    sections.sort(Comparator.comparingInt(Findings::order));
    Mode mode = Mode.current();
    StringBuilder out = new StringBuilder();
    out.append("# Reliability\n\n");
    out.append("Measured by the resilience suite (`cloutsy-redis-resilience`), which drives every capability at once"
        + " against real redis-server processes on loopback and breaks them underneath it. Each invariant is"
        + " counted, not sampled; a row holds when its measured value is within its bound. This file is rewritten"
        + " by the suite's full run:\n\n");
    out.append("```\n./mvnw -B -ntp -Preliability -pl cloutsy-redis-resilience -am verify"
        + " -Dtest='com.cloutsy.redis.resilience.**' -Dsurefire.failIfNoSpecifiedTests=false\n```\n\n");
    out.append("Every build (`./mvnw -B verify`, `.ci/run`) runs the same scenarios in a shorter quick form and"
        + " writes its figures to `cloutsy-redis-resilience/target/reliability/RELIABILITY.md`.\n\n");
    out.append("| run | |\n|---|---|\n");
    out.append("| mode | ").append(mode.name()).append(" |\n");
    out.append("| date | ").append(OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
        .substring(0, 19)).append(" UTC |\n");
    out.append("| machine | ").append(machine()).append(" |\n");
    out.append("| Java | ").append(System.getProperty("java.vm.name")).append(' ')
        .append(System.getProperty("java.version")).append(" |\n");
    out.append("| redis-server | ").append(redisVersion).append(" |\n");
    out.append("| command timeout | ").append(Findings.millis(Mode.COMMAND_TIMEOUT)).append("; a call may take ")
        .append(Findings.millis(Mode.callTimeBound())).append(" (timeout + ")
        .append((int) (Mode.CALL_TIME_MARGIN * 100))
        .append(" %); recovery within ").append(Findings.millis(Mode.RECOVERY_BOUND)).append(" |\n\n");

    out.append("## Summary\n\n| scenario | invariants | held |\n|---|---|---|\n");
    for (Findings section : sections) {
      long invariants = section.rows().stream().filter(row -> !row.bound().isEmpty()).count();
      long broken = section.rows().stream().filter(row -> !row.holds()).count();
      out.append("| [").append(section.title()).append("](#").append(anchor(section.title())).append(") | ")
          .append(invariants).append(" | ").append(broken == 0 ? "all" : (invariants - broken) + " of " + invariants)
          .append(" |\n");
    }
    out.append('\n');
    List<String> known = sections.stream().flatMap(section -> section.notes().stream())
        .filter(note -> note.startsWith("Known")).toList();
    if (!known.isEmpty()) {
      out.append("## Known problems\n\n")
          .append("Found by this suite and not fixed yet; each is described in its scenario below.\n\n");
      known.forEach(note -> out.append("- ")
          .append(note.substring(0, note.contains(". ") ? note.indexOf(". ") + 1 : note.length())).append('\n'));
      out.append('\n');
    }
    for (Findings section : sections) {
      out.append("## ").append(section.title()).append("\n\n").append(section.description()).append("\n\n");
      out.append("| measure | value | bound | holds |\n|---|---|---|---|\n");
      for (Findings.Row row : section.rows()) {
        out.append("| ").append(cell(row.what())).append(" | ").append(cell(row.measured())).append(" | ")
            .append(row.bound().isEmpty() ? "" : row.bound()).append(" | ")
            .append(row.bound().isEmpty() ? ""
                : row.holds() ? "yes" : row.asserted() ? "**no**" : "**no** (not asserted)")
            .append(" |\n");
      }
      out.append('\n');
      for (String note : section.notes()) {
        out.append("- ").append(note).append('\n');
      }
      if (!section.notes().isEmpty()) {
        out.append('\n');
      }
    }
    out.append("## Not covered yet\n\n");
    NOT_COVERED.forEach(item -> out.append("- ").append(item).append('\n'));
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
      Files.writeString(target, out.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + target, e);
    }
  }

  /** Keeps a table cell one cell: a pipe would split it, a line break would end the table. */
  private static String cell(String text) {
    return text.replace("|", "\\|").replace('\n', ' ');
  }

  private static String anchor(String title) {
    return title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
  }

  private static String machine() {
    String cpu = "";
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      cpu = lines.filter(line -> line.startsWith("model name")).findFirst()
          .map(line -> line.substring(line.indexOf(':') + 1).trim() + ", ").orElse("");
    } catch (IOException | UncheckedIOException absent) {
      // Not Linux: the processor count and memory still say enough.
    }
    long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
    return System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")
        + ", " + cpu + Runtime.getRuntime().availableProcessors() + " cores, " + (memory >> 30) + " GiB";
  }
}
