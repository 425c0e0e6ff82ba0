package com.cloutsy.redis.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Sentinel-managed Redis on 127.0.0.1: one master, one replica and three sentinels (quorum 2), for tests that kill
 * the master and watch a client follow the promoted replica.
 *
 * <pre>{@code
 * try (EmbeddedSentinel sentinel = EmbeddedSentinel.start()) {
 *   String url = sentinel.sentinelUri();        // redis-sentinel://127.0.0.1:p1,...#cloutsy
 *   sentinel.killMaster();
 *   EmbeddedRedis promoted = sentinel.awaitPromotion(Duration.ofSeconds(15));
 * }
 * }</pre>
 *
 * <p>The sentinels declare a master down after {@code down-after-milliseconds} (1 s by default) and fail over within
 * a few seconds more. Every process is an {@link EmbeddedRedis}, so the JVM shutdown hook kills whatever
 * {@link #close()} did not. Thread-safe: methods are serialized on the instance.
 */
public final class EmbeddedSentinel implements AutoCloseable {

  /** The name the sentinels know the master by ({@code REDIS_SENTINEL_MASTER}). */
  public static final String MASTER_NAME = "cloutsy";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSentinel.class);
  private static final Duration FORM_TIMEOUT = Duration.ofSeconds(30);
  private static final long POLL_MILLIS = 50;
  private static final int QUORUM = 2;

  private final List<EmbeddedRedis> servers;
  private final List<EmbeddedRedis> sentinels;
  private boolean closed;

  private EmbeddedSentinel(List<EmbeddedRedis> servers, List<EmbeddedRedis> sentinels) {
    this.servers = List.copyOf(servers);
    this.sentinels = List.copyOf(sentinels);
  }

  /**
   * Starts a master, its replica and three sentinels with a 1 s down-after time, and waits until the sentinels know
   * the replica and each other.
   *
   * @return the running topology; close it when done
   * @throws IllegalStateException if a process does not start or the sentinels do not agree within 30 s
   */
  public static EmbeddedSentinel start() {
    return start(Duration.ofSeconds(1));
  }

  /**
   * Starts the topology with the given {@code down-after-milliseconds}.
   *
   * @param downAfter how long the master may not answer before a sentinel considers it down; at least 100 ms
   * @return the running topology; close it when done
   */
  public static EmbeddedSentinel start(Duration downAfter) {
    if (downAfter.toMillis() < 100) {
      throw new IllegalArgumentException("downAfter must be at least 100 ms, was " + downAfter);
    }
    List<EmbeddedRedis> servers = new ArrayList<>();
    List<EmbeddedRedis> sentinels = new ArrayList<>();
    try {
      EmbeddedRedis master = EmbeddedRedis.start();
      servers.add(master);
      servers.add(EmbeddedRedis.builder().config("replicaof", master.host() + " " + master.port()).start());
      for (int i = 0; i < 3; i++) {
        sentinels.add(EmbeddedRedis.builder().sentinel()
            .line("sentinel monitor " + MASTER_NAME + " " + master.host() + " " + master.port() + " " + QUORUM)
            .line("sentinel down-after-milliseconds " + MASTER_NAME + " " + downAfter.toMillis())
            .line("sentinel failover-timeout " + MASTER_NAME + " " + Math.max(3_000, downAfter.toMillis() * 5))
            .line("sentinel parallel-syncs " + MASTER_NAME + " 1")
            .start());
      }
      EmbeddedSentinel topology = new EmbeddedSentinel(servers, sentinels);
      topology.awaitCondition(FORM_TIMEOUT, "the replica in sync and every sentinel knowing it and the others",
          topology::isFormed);
      LOG.info("Sentinel topology: master {}, replica {}, sentinels {}", master.port(), servers.get(1).port(),
          topology.sentinelNodes());
      return topology;
    } catch (RuntimeException e) {
      sentinels.forEach(EmbeddedRedis::close);
      servers.forEach(EmbeddedRedis::close);
      throw e;
    }
  }

  /**
   * Returns {@code host:port} of the three sentinels, comma separated: the value for {@code REDIS_SENTINEL_NODES}.
   *
   * @return the sentinel list
   */
  public String sentinelNodes() {
    return String.join(",", sentinels.stream().map(s -> s.host() + ":" + s.port()).toList());
  }

  /**
   * Returns {@code redis-sentinel://host:port,host:port,host:port#cloutsy}, a {@code REDIS_URL} for the master.
   *
   * @return the Sentinel URI
   */
  public String sentinelUri() {
    return "redis-sentinel://" + sentinelNodes() + "#" + MASTER_NAME;
  }

  /**
   * Returns the two data servers, the original master first; roles change on failover.
   *
   * @return master and replica as started
   */
  public List<EmbeddedRedis> servers() {
    return servers;
  }

  /**
   * Returns the three sentinel processes.
   *
   * @return the sentinels
   */
  public List<EmbeddedRedis> sentinels() {
    return sentinels;
  }

  /**
   * Returns the server the sentinels name as master now.
   *
   * @return the current master
   * @throws IllegalStateException if no sentinel answers or the named master is not one of ours
   */
  public synchronized EmbeddedRedis master() {
    int port = masterPortSeenBySentinels();
    return servers.stream().filter(server -> server.port() == port).findFirst()
        .orElseThrow(() -> new IllegalStateException("the sentinels name port " + port + " as master"));
  }

  /**
   * Kills the current master with SIGKILL, as a crashed host.
   *
   * @return the killed server, which {@link EmbeddedRedis#restart()} brings back (the sentinels then make it a
   *     replica of the new master)
   */
  public synchronized EmbeddedRedis killMaster() {
    EmbeddedRedis master = master();
    master.kill();
    LOG.info("Killed Sentinel-managed master on port {}", master.port());
    return master;
  }

  /**
   * Waits until the sentinels name a running server other than the killed one as master and that server says it is
   * a master.
   *
   * @param timeout how long to wait
   * @return the promoted server
   * @throws IllegalStateException if no promotion happens in time
   */
  public EmbeddedRedis awaitPromotion(Duration timeout) {
    awaitCondition(timeout, "a running master named by the sentinels", () -> {
      try {
        EmbeddedRedis named = master();
        return named.isRunning() && named.callText("INFO", "replication").contains("role:master");
      } catch (RuntimeException notYet) {
        return false;
      }
    });
    return master();
  }

  /**
   * Waits until the current master has a replica whose link is up and in sync, for instance after a killed master
   * was restarted and the sentinels made it a replica of the new one.
   *
   * @param timeout how long to wait
   * @throws IllegalStateException if no replica is in sync in time
   */
  public void awaitReplicaInSync(Duration timeout) {
    awaitCondition(timeout, "a replica of the current master in sync", () -> {
      try {
        EmbeddedRedis master = master();
        return servers.stream().filter(server -> server != master && server.isRunning()).anyMatch(replica -> {
          String replication = replica.callText("INFO", "replication");
          return replication.contains("master_port:" + master.port()) && replication.contains("master_link_status:up")
              && !replication.contains("master_sync_in_progress:1");
        });
      } catch (RuntimeException notYet) {
        return false;
      }
    });
  }

  /** Kills every process and deletes their working directories; calling it again does nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Processes.closeAll(concat());
  }

  @Override
  public String toString() {
    return "EmbeddedSentinel[" + sentinelUri() + "]";
  }

  private List<EmbeddedRedis> concat() {
    List<EmbeddedRedis> all = new ArrayList<>(sentinels);
    all.addAll(servers);
    return all;
  }

  private boolean isFormed() {
    try {
      if (!servers.get(1).callText("INFO", "replication").contains("master_link_status:up")) {
        return false;
      }
      for (EmbeddedRedis sentinel : sentinels) {
        Object master = sentinel.call("SENTINEL", "MASTER", MASTER_NAME);
        if (!(master instanceof List<?> fields)) {
          return false;
        }
        if (!"1".equals(field(fields, "num-slaves")) || !"2".equals(field(fields, "num-other-sentinels"))) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  private int masterPortSeenBySentinels() {
    RuntimeException last = null;
    for (EmbeddedRedis sentinel : sentinels) {
      if (!sentinel.isRunning()) {
        continue;
      }
      try {
        Object address = sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
        if (address instanceof List<?> hostPort && hostPort.size() == 2) {
          return Integer.parseInt(String.valueOf(hostPort.get(1)));
        }
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw new IllegalStateException("no sentinel names a master for " + MASTER_NAME, last);
  }

  private static String field(List<?> flat, String name) {
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      if (name.equals(flat.get(i))) {
        return String.valueOf(flat.get(i + 1));
      }
    }
    return "";
  }

  private void awaitCondition(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        throw new IllegalStateException("Sentinel topology " + sentinelUri() + " did not reach " + what + " within "
            + timeout.toMillis() + " ms");
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + what, e);
      }
    }
  }
}
