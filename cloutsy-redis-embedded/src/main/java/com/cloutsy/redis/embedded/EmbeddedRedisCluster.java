package com.cloutsy.redis.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design notes. The cluster is built the way redis-cli --cluster create builds one, with plain commands, because the
 * bundled 6.2 binary has no CLUSTER ADDSLOTSRANGE: every master gets a distinct config epoch and an even share of the
 * 16384 slots (CLUSTER ADDSLOTS), the first node meets all others, each replica is told whom to follow, and the
 * cluster counts as started once every node reports cluster_state:ok, knows every other node, and every replica's
 * link to its master is up. A short cluster-node-timeout (1 s by default) and cluster-replica-validity-factor 0 make a
 * killed master's replica take over in a few seconds, so failover tests stay short.
 */

/**
 * A Redis Cluster of real redis-server processes on 127.0.0.1: N masters with M replicas each, 3 + 3 by default, every
 * slot assigned. For tests that run capabilities on a cluster and for failover tests that {@link #kill} a master.
 *
 * <pre>{@code
 * try (EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start()) {
 *   String seeds = cluster.seeds();                      // REDIS_CLUSTER_NODES
 *   EmbeddedRedis master = cluster.masterOf(slot);
 *   cluster.kill(master);
 *   cluster.awaitHealthy(Duration.ofSeconds(20));        // a replica took over its slots
 * }
 * }</pre>
 *
 * <p>Every node is an {@link EmbeddedRedis}, so the JVM shutdown hook kills whatever {@link #close()} did not. Starting
 * takes a second or two. Thread-safe: methods that change the cluster are serialized on the instance.
 */
public final class EmbeddedRedisCluster implements AutoCloseable {

  /** How many hash slots a Redis Cluster has. */
  public static final int SLOTS = 16_384;

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedisCluster.class);
  private static final Duration FORM_TIMEOUT = Duration.ofSeconds(30);
  private static final long POLL_MILLIS = 50;

  private final List<EmbeddedRedis> nodes;
  private final List<String> nodeIds;
  private boolean closed;

  private EmbeddedRedisCluster(List<EmbeddedRedis> nodes, List<String> nodeIds) {
    this.nodes = List.copyOf(nodes);
    this.nodeIds = List.copyOf(nodeIds);
  }

  /**
   * Starts 3 masters with one replica each and waits until the cluster serves every slot.
   *
   * @return the running cluster; close it when done
   * @throws IllegalStateException if a node does not start or the cluster does not form within 30 s
   */
  public static EmbeddedRedisCluster start() {
    return builder().start();
  }

  /**
   * Returns a builder for another shape, node timeout or extra redis.conf directives.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns every node in start order: the masters first, then the replicas (replica {@code i} of master {@code m}
   * at {@code masters + m * replicasPerMaster + i}). Roles change on failover; {@link #masters()} tells the current.
   *
   * @return all nodes, running or not
   */
  public List<EmbeddedRedis> nodes() {
    return nodes;
  }

  /**
   * Returns {@code host:port} of every node, comma separated: the value for {@code REDIS_CLUSTER_NODES}.
   *
   * @return the seed list
   */
  public String seeds() {
    return String.join(",", seedList());
  }

  /**
   * Returns an endpoint whose {@link RedisEndpoint#clusterNodes()} name every node; its host, port and URI are those
   * of the first node.
   *
   * @return the cluster's endpoint
   */
  public RedisEndpoint endpoint() {
    EmbeddedRedis first = nodes.get(0);
    return new RedisEndpoint(first.host(), first.port(), first.uri(), seedList());
  }

  /**
   * Returns the running nodes that are masters now, as a running node's {@code CLUSTER NODES} says.
   *
   * @return the current masters that serve slots
   */
  public synchronized List<EmbeddedRedis> masters() {
    List<EmbeddedRedis> masters = new ArrayList<>();
    for (NodeLine line : view()) {
      if (line.isMaster() && !line.failing() && !line.slots().isEmpty()) {
        byId(line.id()).filter(EmbeddedRedis::isRunning).ifPresent(masters::add);
      }
    }
    return masters;
  }

  /**
   * Returns the running node that serves {@code slot} now.
   *
   * @param slot 0-16383, for example from Lettuce's {@code SlotHash.getSlot(key)}
   * @return the master of the slot
   * @throws IllegalStateException if no running master serves the slot
   */
  public synchronized EmbeddedRedis masterOf(int slot) {
    if (slot < 0 || slot >= SLOTS) {
      throw new IllegalArgumentException("slot must be 0-" + (SLOTS - 1) + ", was " + slot);
    }
    for (NodeLine line : view()) {
      if (line.isMaster() && !line.failing() && line.serves(slot)) {
        Optional<EmbeddedRedis> node = byId(line.id()).filter(EmbeddedRedis::isRunning);
        if (node.isPresent()) {
          return node.get();
        }
      }
    }
    throw new IllegalStateException("no running master serves slot " + slot);
  }

  /**
   * Returns the running replicas of {@code master} now.
   *
   * @param master a node of this cluster
   * @return its replicas
   */
  public synchronized List<EmbeddedRedis> replicasOf(EmbeddedRedis master) {
    String id = idOf(master);
    List<EmbeddedRedis> replicas = new ArrayList<>();
    for (NodeLine line : view()) {
      if (id.equals(line.masterId())) {
        byId(line.id()).filter(EmbeddedRedis::isRunning).ifPresent(replicas::add);
      }
    }
    return replicas;
  }

  /**
   * Kills a node with SIGKILL, as a crashed host; its replica takes over after the node timeout. Restart it with
   * {@link EmbeddedRedis#restart()}: it rejoins with its old node id and becomes a replica of whoever took over.
   *
   * @param node a node of this cluster
   */
  public synchronized void kill(EmbeddedRedis node) {
    idOf(node);
    node.kill();
    LOG.info("Killed cluster node {}", node.port());
  }

  /**
   * Waits until every running node reports {@code cluster_state:ok} and every slot is served by a running master.
   * After {@link #kill} of a master this is the moment its replica has been promoted and the others agree.
   *
   * @param timeout how long to wait
   * @return how long it took
   * @throws IllegalStateException if the cluster is not healthy in time, with the last {@code CLUSTER NODES} seen
   */
  public Duration awaitHealthy(Duration timeout) {
    long started = System.nanoTime();
    awaitCondition(timeout, "every slot served by a running master and cluster_state:ok on every running node",
        this::isHealthy);
    return Duration.ofNanos(System.nanoTime() - started);
  }

  /**
   * Tells whether every running node says {@code cluster_state:ok} and every slot has a running, non-failing master.
   *
   * @return whether the cluster serves everything now
   */
  public synchronized boolean isHealthy() {
    int[] covered = new int[1];
    try {
      for (NodeLine line : view()) {
        if (line.isMaster() && !line.failing() && byId(line.id()).map(EmbeddedRedis::isRunning).orElse(false)) {
          line.slots().forEach(range -> covered[0] += range[1] - range[0] + 1);
        }
      }
      if (covered[0] != SLOTS) {
        return false;
      }
      for (EmbeddedRedis node : nodes) {
        if (node.isRunning() && !node.callText("CLUSTER", "INFO").contains("cluster_state:ok")) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException notAnswering) {
      return false;
    }
  }

  /**
   * Kills every node and deletes their working directories; calling it again does nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Processes.closeAll(nodes);
  }

  @Override
  public String toString() {
    return "EmbeddedRedisCluster[" + seeds() + "]";
  }

  private List<String> seedList() {
    return nodes.stream().map(node -> node.host() + ":" + node.port()).toList();
  }

  private String idOf(EmbeddedRedis node) {
    int index = nodes.indexOf(node);
    if (index < 0) {
      throw new IllegalArgumentException(node + " is not a node of this cluster");
    }
    return nodeIds.get(index);
  }

  private Optional<EmbeddedRedis> byId(String id) {
    int index = nodeIds.indexOf(id);
    return index < 0 ? Optional.empty() : Optional.of(nodes.get(index));
  }

  /** CLUSTER NODES as the first running node that answers sees it. */
  private List<NodeLine> view() {
    RuntimeException last = null;
    for (EmbeddedRedis node : nodes) {
      if (!node.isRunning()) {
        continue;
      }
      try {
        return NodeLine.parse(node.callText("CLUSTER", "NODES"));
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw new IllegalStateException("no node of the cluster answers CLUSTER NODES", last);
  }

  private void awaitCondition(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        String nodesSeen;
        try {
          nodesSeen = view().toString();
        } catch (RuntimeException e) {
          nodesSeen = e.getMessage();
        }
        throw new IllegalStateException("Redis Cluster " + seeds() + " did not reach " + what + " within "
            + timeout.toSeconds() + " s; CLUSTER NODES: " + nodesSeen);
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + what, e);
      }
    }
  }

  /** One line of {@code CLUSTER NODES}. */
  record NodeLine(String id, String address, String flags, @Nullable String masterId, List<int[]> slots) {

    static List<NodeLine> parse(String clusterNodes) {
      List<NodeLine> lines = new ArrayList<>();
      for (String line : clusterNodes.split("\n", -1)) {
        String[] fields = line.trim().split(" ", -1);
        if (fields.length < 8) {
          continue;
        }
        List<int[]> slots = new ArrayList<>();
        for (int i = 8; i < fields.length; i++) {
          if (fields[i].startsWith("[")) {
            continue; // a slot being imported or migrated
          }
          String[] range = fields[i].split("-", -1);
          int from = Integer.parseInt(range[0]);
          slots.add(new int[] {from, range.length == 2 ? Integer.parseInt(range[1]) : from});
        }
        lines.add(new NodeLine(fields[0], fields[1], fields[2], "-".equals(fields[3]) ? null : fields[3], slots));
      }
      return lines;
    }

    boolean isMaster() {
      return flags.contains("master");
    }

    boolean failing() {
      return flags.contains("fail") || flags.contains("handshake") || flags.contains("noaddr");
    }

    boolean serves(int slot) {
      return slots.stream().anyMatch(range -> range[0] <= slot && slot <= range[1]);
    }

    @Override
    public String toString() {
      return address + " " + flags + (masterId == null ? "" : " of " + masterId.substring(0, 8)) + " "
          + slots.stream().map(range -> range[0] + "-" + range[1]).toList();
    }
  }

  /** Configures a cluster before it starts. Not thread-safe. */
  public static final class Builder {

    private int masters = 3;
    private int replicasPerMaster = 1;
    private Duration nodeTimeout = Duration.ofSeconds(1);
    private final Map<String, String> config = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets the number of masters, which share the slots evenly; 3 by default, the fewest Redis Cluster accepts for
     * failover by majority.
     *
     * @param masters 1-16
     * @return this builder
     */
    public Builder masters(int masters) {
      if (masters < 1 || masters > 16) {
        throw new IllegalArgumentException("masters must be 1-16, was " + masters);
      }
      this.masters = masters;
      return this;
    }

    /**
     * Sets how many replicas follow each master; 1 by default.
     *
     * @param replicasPerMaster 0-4
     * @return this builder
     */
    public Builder replicasPerMaster(int replicasPerMaster) {
      if (replicasPerMaster < 0 || replicasPerMaster > 4) {
        throw new IllegalArgumentException("replicasPerMaster must be 0-4, was " + replicasPerMaster);
      }
      this.replicasPerMaster = replicasPerMaster;
      return this;
    }

    /**
     * Sets {@code cluster-node-timeout}: how long a node may not answer before it is suspected; a master's failover
     * takes about twice this. 1 s by default, for short failover tests.
     *
     * @param nodeTimeout at least 100 ms
     * @return this builder
     */
    public Builder nodeTimeout(Duration nodeTimeout) {
      if (nodeTimeout.toMillis() < 100) {
        throw new IllegalArgumentException("nodeTimeout must be at least 100 ms, was " + nodeTimeout);
      }
      this.nodeTimeout = nodeTimeout;
      return this;
    }

    /**
     * Adds a redis.conf directive for every node, as {@link EmbeddedRedis.Builder#config} does.
     *
     * @param name the directive
     * @param value its arguments
     * @return this builder
     */
    public Builder config(String name, String value) {
      config.put(RedisConf.checkedName(name, value), value);
      return this;
    }

    /**
     * Starts the nodes, assigns the slots, introduces the nodes to each other, attaches the replicas and waits until
     * the cluster serves every slot.
     *
     * @return the running cluster
     * @throws IllegalStateException if a node does not start or the cluster does not form within 30 s; every node
     *     started so far is closed
     */
    public EmbeddedRedisCluster start() {
      int total = masters * (1 + replicasPerMaster);
      List<EmbeddedRedis> nodes = new ArrayList<>(total);
      try {
        for (int i = 0; i < total; i++) {
          EmbeddedRedis.Builder node = EmbeddedRedis.builder()
              .config("cluster-enabled", "yes")
              .config("cluster-config-file", "nodes.conf")
              .config("cluster-node-timeout", Long.toString(nodeTimeout.toMillis()))
              // A replica may take over however long it was cut off: in tests the data is what it is.
              .config("cluster-replica-validity-factor", "0");
          config.forEach(node::config);
          nodes.add(node.start());
        }
        List<String> ids = new ArrayList<>();
        for (EmbeddedRedis node : nodes) {
          ids.add(node.callText("CLUSTER", "MYID"));
        }
        for (int m = 0; m < masters; m++) {
          EmbeddedRedis master = nodes.get(m);
          ok(master, "CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(m + 1));
          int from = m * SLOTS / masters;
          int to = (m + 1) * SLOTS / masters;
          List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
          for (int slot = from; slot < to; slot++) {
            command.add(Integer.toString(slot));
          }
          ok(master, command.toArray(String[]::new));
        }
        EmbeddedRedis first = nodes.get(0);
        for (int i = 1; i < total; i++) {
          ok(first, "CLUSTER", "MEET", nodes.get(i).host(), Integer.toString(nodes.get(i).port()));
        }
        EmbeddedRedisCluster cluster = new EmbeddedRedisCluster(nodes, ids);
        cluster.awaitCondition(FORM_TIMEOUT, "every node knowing all " + total + " nodes",
            () -> nodes.stream().allMatch(node -> knowsAll(node, total)));
        for (int m = 0; m < masters; m++) {
          for (int r = 0; r < replicasPerMaster; r++) {
            ok(nodes.get(masters + m * replicasPerMaster + r), "CLUSTER", "REPLICATE", ids.get(m));
          }
        }
        cluster.awaitCondition(FORM_TIMEOUT, "cluster_state:ok and every replica in sync",
            () -> cluster.isHealthy() && nodes.subList(masters, total).stream().allMatch(Builder::linkUp)
                && nodes.stream().allMatch(node -> seesReplicas(node, masters * replicasPerMaster)));
        LOG.info("Redis Cluster of {} masters and {} replicas each on {}", masters, replicasPerMaster,
            cluster.seeds());
        return cluster;
      } catch (RuntimeException e) {
        nodes.forEach(EmbeddedRedis::close);
        throw e;
      }
    }

    private static void ok(EmbeddedRedis node, String... command) {
      Object reply = node.call(command);
      if (!"OK".equals(reply)) {
        throw new IllegalStateException(command[0] + " " + command[1] + " on port " + node.port() + " answered "
            + reply);
      }
    }

    private static boolean knowsAll(EmbeddedRedis node, int total) {
      List<NodeLine> lines = NodeLine.parse(node.callText("CLUSTER", "NODES"));
      return lines.size() == total && lines.stream().noneMatch(NodeLine::failing);
    }

    private static boolean seesReplicas(EmbeddedRedis node, int replicas) {
      return NodeLine.parse(node.callText("CLUSTER", "NODES")).stream()
          .filter(line -> line.masterId() != null && !line.failing()).count() == replicas;
    }

    private static boolean linkUp(EmbeddedRedis replica) {
      return replica.callText("INFO", "replication").contains("master_link_status:up");
    }
  }
}
