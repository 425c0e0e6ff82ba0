package com.cloutsy.redis.resilience;

import java.util.ArrayList;
import java.util.List;

/**
 * When each fault happened, on the {@link System#nanoTime()} clock the ledger uses. An outage is a span in which
 * Redis certainly could not answer (the process was dead or frozen, the proxy forwarded nothing); a disturbance is
 * the wider span from the fault's start until every capability worked again.
 */
final class Timeline {

  /** One span, in nanoTime. */
  record Span(String fault, long from, long to) {
    boolean contains(long start, long end) {
      return start >= from && end <= to;
    }

    boolean overlaps(long start, long end) {
      return start <= to && end >= from;
    }
  }

  private final List<Span> outages = new ArrayList<>();
  private final List<Span> disturbances = new ArrayList<>();

  synchronized void outage(String fault, long from, long to) {
    outages.add(new Span(fault, from, to));
  }

  synchronized void disturbance(String fault, long from, long to) {
    disturbances.add(new Span(fault, from, to));
  }

  /** Whether the call ran entirely while Redis certainly could not answer. */
  synchronized boolean withinOutage(long start, long end) {
    return outages.stream().anyMatch(span -> span.contains(start, end));
  }

  /** Whether the call ran at least partly between a fault's start and the recovery after it. */
  synchronized boolean touchesDisturbance(long start, long end) {
    return disturbances.stream().anyMatch(span -> span.overlaps(start, end));
  }

  synchronized List<Span> outages() {
    return List.copyOf(outages);
  }
}
