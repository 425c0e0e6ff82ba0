package com.cloutsy.redis.health;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link HealthCheck} found: the verdict, why, and the numbers an on-call engineer looks at first.
 *
 * @param status {@link HealthStatus#DOWN} if any reason is a DOWN problem, else {@link HealthStatus#DEGRADED} if
 *     there is any reason, else {@link HealthStatus#UP}
 * @param reasons why the status is not UP, worst first; empty when UP
 * @param pingLatency the PING round trip, or null when PING failed
 * @param server what {@code INFO} reported, or null when it could not be read
 * @param cluster what {@code CLUSTER INFO} reported when the server is a cluster node, else null
 * @param checkedAt when the check started (the application's clock)
 * @param took how long the whole check took
 */
public record HealthReport(HealthStatus status, List<Reason> reasons, @Nullable Duration pingLatency,
    @Nullable Server server, @Nullable Cluster cluster, Instant checkedAt, Duration took) {

  /** Copies the reasons and checks that the status agrees with them. */
  public HealthReport {
    reasons = List.copyOf(reasons);
    HealthStatus implied = reasons.stream().map(reason -> reason.problem().status())
        .max(Enum::compareTo).orElse(HealthStatus.UP);
    if (status != implied) {
      throw new IllegalArgumentException("status must be " + implied + " for reasons " + reasons + ", was " + status);
    }
  }

  /**
   * Whether Redis serves this application's reads and writes: true for UP and DEGRADED, false for DOWN. The seed's
   * {@code checkHealth(): boolean}, and what a readiness probe should use.
   */
  public boolean isUp() {
    return status != HealthStatus.DOWN;
  }

  /** Whether one of the reasons is {@code problem}. */
  public boolean has(HealthProblem problem) {
    return reasons.stream().anyMatch(reason -> reason.problem() == problem);
  }

  /**
   * One reason for a status worse than UP.
   *
   * @param problem the kind of problem, which decides the status
   * @param detail what was seen, with the server's error text where there is one; never a password
   */
  public record Reason(HealthProblem problem, String detail) {

    @Override
    public String toString() {
      return problem + ": " + detail;
    }
  }

  /**
   * The server as {@code INFO} described it. Sizes are bytes; counters count since the server started.
   *
   * @param version {@code redis_version}
   * @param role {@code master} or {@code slave} (a replica)
   * @param loading whether the data set is still being loaded
   * @param connectedClients {@code connected_clients}
   * @param blockedClients {@code blocked_clients}: clients waiting in BLPOP and similar
   * @param memory the memory section
   * @param evictedKeys {@code evicted_keys}: keys removed to stay under {@code maxmemory}
   * @param expiredKeys {@code expired_keys}: keys removed because their TTL ran out
   * @param rejectedConnections {@code rejected_connections}: connections refused at {@code maxclients}
   * @param uptime time since the server started
   */
  public record Server(String version, String role, boolean loading, long connectedClients, long blockedClients,
      MemoryStats memory, long evictedKeys, long expiredKeys, long rejectedConnections, Duration uptime) {

    static Server from(InfoFields info) {
      return new Server(info.text("redis_version", "unknown"), info.text("role", "unknown"),
          info.number("loading", 0) == 1, info.number("connected_clients", 0), info.number("blocked_clients", 0),
          MemoryStats.from(info), info.number("evicted_keys", 0), info.number("expired_keys", 0),
          info.number("rejected_connections", 0), Duration.ofSeconds(info.number("uptime_in_seconds", 0)));
    }

    /** Whether the server is a replica, which refuses writes. */
    public boolean isReplica() {
      return "slave".equals(role) || "replica".equals(role);
    }
  }

  /**
   * The cluster as its nodes' {@code CLUSTER INFO} described it. A service in cluster mode asks every node it routes
   * to and keeps the worst view: the state is {@code ok} only if every answering node says so, slot counts are the
   * lowest (assigned, ok) and highest (pfail, fail) any node reported. A service connected to one cluster node asks
   * only that node.
   *
   * @param state {@code ok} or {@code fail}
   * @param slotsAssigned slots that have a node (a healthy cluster has 16384)
   * @param slotsOk slots whose node is reachable
   * @param slotsPfail slots whose node some node suspects is failing
   * @param slotsFail slots whose node the cluster agreed has failed
   * @param knownNodes nodes the nodes know, masters and replicas, failed ones included
   * @param size masters serving at least one slot
   * @param nodesAsked how many nodes were asked
   * @param unreachableNodes {@code host:port} of the nodes that did not answer
   */
  public record Cluster(String state, int slotsAssigned, int slotsOk, int slotsPfail, int slotsFail, int knownNodes,
      int size, int nodesAsked, List<String> unreachableNodes) {

    /** How many hash slots a Redis Cluster has. */
    public static final int SLOTS = 16_384;

    /** Copies the list. */
    public Cluster {
      unreachableNodes = List.copyOf(unreachableNodes);
    }

    static Cluster from(InfoFields info) {
      return new Cluster(info.text("cluster_state", "unknown"), (int) info.number("cluster_slots_assigned", 0),
          (int) info.number("cluster_slots_ok", 0), (int) info.number("cluster_slots_pfail", 0),
          (int) info.number("cluster_slots_fail", 0), (int) info.number("cluster_known_nodes", 0),
          (int) info.number("cluster_size", 0), 1, List.of());
    }

    /** The worst view of the nodes that answered; null when none did. */
    static @Nullable Cluster combine(List<Cluster> answers, List<String> unreachable) {
      if (answers.isEmpty()) {
        return null;
      }
      String state = answers.stream().map(Cluster::state).filter(s -> !"ok".equals(s)).findFirst().orElse("ok");
      return new Cluster(state,
          answers.stream().mapToInt(Cluster::slotsAssigned).min().orElse(0),
          answers.stream().mapToInt(Cluster::slotsOk).min().orElse(0),
          answers.stream().mapToInt(Cluster::slotsPfail).max().orElse(0),
          answers.stream().mapToInt(Cluster::slotsFail).max().orElse(0),
          answers.stream().mapToInt(Cluster::knownNodes).max().orElse(0),
          answers.stream().mapToInt(Cluster::size).max().orElse(0),
          answers.size() + unreachable.size(), unreachable);
    }

    /** Whether every slot is assigned and served by a node nobody suspects. */
    public boolean coversAllSlots() {
      return slotsOk == SLOTS;
    }
  }
}
