package com.cloutsy.redis.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What one scenario measured: figures, and invariants with their bound. Published to the report before anything is
 * asserted, so a failing invariant still shows with its numbers; then {@link #assertHold()} fails the test for each
 * invariant that did not hold.
 */
final class Findings {

  /**
   * One line of the report.
   *
   * @param what the figure or invariant
   * @param measured what the run measured
   * @param bound what it must stay within; empty for a plain figure
   * @param holds whether it stayed within
   */
  record Row(String what, String measured, String bound, boolean holds, boolean asserted) {
    Row(String what, String measured, String bound, boolean holds) {
      this(what, measured, bound, holds, true);
    }
  }

  private final int order;
  private final String title;
  private final String description;
  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private String examples = "";

  /**
   * @param order where the section goes in the report, so its layout does not depend on test order
   * @param title the fault
   * @param description what was done, in a sentence or two
   */
  Findings(int order, String title, String description) {
    this.order = order;
    this.title = title;
    this.description = description;
  }

  int order() {
    return order;
  }

  String title() {
    return title;
  }

  String description() {
    return description;
  }

  List<Row> rows() {
    return List.copyOf(rows);
  }

  List<String> notes() {
    return List.copyOf(notes);
  }

  Findings figure(String what, Object measured) {
    rows.add(new Row(what, String.valueOf(measured), "", true));
    return this;
  }

  /** An invariant stated as a count that must not exceed {@code bound} (usually 0). */
  Findings atMost(String what, long measured, long bound) {
    rows.add(new Row(what, Long.toString(measured), "≤ " + bound, measured <= bound));
    return this;
  }

  /** An invariant stated as a count that must reach {@code bound}. */
  Findings atLeast(String what, long measured, long bound) {
    rows.add(new Row(what, Long.toString(measured), "≥ " + bound, measured >= bound));
    return this;
  }

  /** An invariant stated as a time that must not exceed {@code bound}; null means it never happened. */
  Findings within(String what, Duration measured, Duration bound) {
    boolean happened = measured != null;
    rows.add(new Row(what, happened ? millis(measured) : "never", "≤ " + millis(bound),
        happened && measured.compareTo(bound) <= 0));
    return this;
  }

  /**
   * A time invariant that fails the test only while the machine has CPU to spare: on an oversubscribed machine a
   * thread whose wait ended may not run for a while, which says nothing about the library. The row is reported either
   * way, with the load it ran under; a hard bound of twice {@code bound} is asserted always, so a hang still fails.
   */
  Findings withinUnlessStarved(String what, Duration measured, Duration bound) {
    double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    int cores = Runtime.getRuntime().availableProcessors();
    boolean starved = load > cores;
    boolean holds = measured.compareTo(bound) <= 0;
    rows.add(new Row(what, millis(measured) + (starved ? String.format(" (load average %.1f on %d cores)", load, cores)
        : ""), "≤ " + millis(bound), holds, !starved));
    if (!holds && starved) {
      note("The machine was oversubscribed (load average " + String.format("%.1f", load) + " on " + cores
          + " cores, other builds running): calls whose wait had ended waited for a CPU, so the time bound is"
          + " reported but not asserted in this run; twice the bound is.");
      within(what + ", hard bound", measured, bound.multipliedBy(2));
    }
    return this;
  }

  Findings note(String note) {
    notes.add(note);
    return this;
  }

  /** Keeps the ledger's examples of violations for the failure message. */
  Findings examples(String examples) {
    this.examples = examples;
    return this;
  }

  /** Adds this section to the report. */
  Findings publish() {
    Reliability.add(this);
    return this;
  }

  /** Fails with every invariant that did not hold. */
  void assertHold() {
    List<Row> broken = rows.stream().filter(row -> !row.holds() && row.asserted()).toList();
    if (!broken.isEmpty()) {
      throw new AssertionError(title + ": " + broken.stream()
          .map(row -> row.what() + " was " + row.measured() + ", must be " + row.bound())
          .collect(Collectors.joining("; ")) + (examples.isEmpty() ? "" : "\n" + examples));
    }
  }

  static String millis(Duration duration) {
    return duration.toMillis() + " ms";
  }
}
