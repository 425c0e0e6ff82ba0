package com.cloutsy.redis.resilience;

import java.util.List;
import java.util.Set;

/** The invariants every scenario with a mixed load reports, from its ledger, timeline and final counts. */
final class Checks {

  private static final Set<String> CACHE_READS = Set.of("cache.getOrLoad", "nearcache.getOrLoad");

  private Checks() {}

  static void load(Findings findings, Ledger ledger, Timeline timeline, Workload.Counts counts, boolean durable) {
    ledger.checkAgainst(timeline);
    Ledger.Figures figures = ledger.figures();
    findings.figure("calls (returned / RedisUnavailableException)", figures.calls() + " (" + figures.ok() + " / "
        + figures.unavailable() + ")");
    findings.withinUnlessStarved("longest call (" + figures.slowestOperation() + ")", figures.maxCallTime(),
        Mode.callTimeBound());
    findings.figure("calls longer than the command timeout + 20 %", figures.slow());
    findings.atMost("calls that reported a grant (valid session, allowed request, issued or verified code) while"
        + " Redis could not be asked", ledger.violations("granted while Redis could not be asked"), 0);
    findings.atMost("fail-closed calls that answered while Redis could not be asked",
        ledger.violations("fail-closed call answered while Redis could not be asked"), 0);
    findings.atMost("unexpected exceptions (anything but RedisUnavailableException)",
        ledger.violations("unexpected exception"), 0);
    findings.figure("script writes refused for memory that surfaced as RedisCommandExecutionException, not"
        + " RedisUnavailableException (Redis 6.2 wraps the OOM reply in a script error)",
        ledger.violations(Ledger.SCRIPT_OOM));
    findings.atMost("revoked sessions reported valid afterwards", ledger.violations("revoked session reported valid"),
        0);
    findings.atMost("sessions returned for another user or jti",
        ledger.violations("session of another user or jti returned"), 0);
    findings.figure("sessions acknowledged and never revoked / revokes acknowledged",
        counts.liveSessions() + " / " + counts.revokedSessions());
    findings.figure("counter INCRs sent / acknowledged / counted by the server", counts.attemptedIncrements() + " / "
        + counts.acknowledgedIncrements() + " / " + counts.countedIncrements());
    findings.atMost("INCRs applied twice (a write replayed after a failure)", counts.doubleIncrements(), 0);
    if (durable) {
      findings.atMost("lost acknowledged writes (INCRs missing from the counter)", counts.lostIncrements(), 0);
      findings.atMost("lost acknowledged writes (sessions unreadable at the end)", counts.lostSessions(), 0);
      findings.atMost("rate-limit admissions by Redis beyond the limit", counts.overAdmitted(), 0);
      findings.atMost("login attempts allowed beyond a threshold", counts.overLogin(), 0);
      findings.atMost("OTP codes issued twice within the cooldown",
          ledger.violations("OTP issued twice within the cooldown"), 0);
    } else {
      findings.figure("rate-limit admissions by Redis beyond the limit (data not kept)", counts.overAdmitted());
      findings.figure("login attempts allowed beyond a threshold (data not kept)", counts.overLogin());
    }
    findings.figure("rate-limit admissions decided by Redis / by the fail-open insurance limiter",
        counts.allowedByRedis() + " / " + counts.allowedLocally());
    findings.atMost("fail-open admissions beyond the local insurance limit", counts.overLocal(), 0);
    findings.atMost("wrong OTP codes verified", ledger.violations("wrong OTP code verified"), 0);
    findings.atMost("cache values of another key", ledger.violations("cache returned another key's value"), 0);
    findings.atMost("corrupt cache values returned", ledger.violations("cache returned a corrupt value"), 0);
    List<Ledger.Call> reads = ledger.calls().stream().filter(call -> CACHE_READS.contains(call.operation())).toList();
    long inside = reads.stream().filter(call -> timeline.withinOutage(call.start(), call.end())).count();
    long touching = reads.stream().filter(call -> timeline.touchesDisturbance(call.start(), call.end())).count();
    findings.figure("cache reads (getOrLoad) during an outage / touching a fault", inside + " / " + touching);
    // A near-cache hit needs no Redis, and reads of one key at once share one lookup (single flight), so what every
    // outage must show is a degradation of the plain cache for each key read during it.
    List<Ledger.Call> plainReads = reads.stream().filter(call -> call.operation().equals("cache.getOrLoad")).toList();
    long keysPerOutage = timeline.outages().stream().mapToLong(outage -> plainReads.stream()
        .filter(call -> outage.contains(call.start(), call.end())).map(Ledger.Call::subject).distinct().count()).sum();
    findings.atLeast("plain-cache degradations counted, at least one per key read during each outage",
        counts.cacheDegraded(), keysPerOutage);
    findings.atMost("cache degradations counted, at most two per read touching a fault", counts.degraded(),
        2 * touching);
    findings.figure("events acknowledged / not delivered (at-most-once)", counts.acknowledgedEvents() + " / "
        + counts.lostEvents());
    findings.atMost("events delivered twice", ledger.violations("event delivered twice"), 0);
    findings.atMost("events delivered on another channel", ledger.violations("event delivered on another channel"), 0);
    findings.examples(ledger.examples());
  }

  /** The leak counts, after everything the scenario opened is closed. */
  static void leaks(Findings findings, Leaks leaks, long connections) {
    List<String> threads = leaks.threads();
    findings.atMost("threads left behind" + (threads.isEmpty() ? "" : " " + threads), threads.size(), 0);
    findings.atMost("client connections left on the server", connections, 0);
    findings.atMost("redis-server processes left behind", leaks.processes(), 0);
  }
}
