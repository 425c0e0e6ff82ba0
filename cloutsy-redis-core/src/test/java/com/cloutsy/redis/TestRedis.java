package com.cloutsy.redis;

import com.cloutsy.redis.config.HostPort;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.keys.KeyLayout;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * Services for tests on the run's shared server: each gets a key prefix of its own, so tests never see each
 * other's keys, need no FLUSHALL and may run in parallel.
 *
 * <p>The shared endpoint is a Redis Cluster when the run has {@code -Dcloutsy.redis.topology=cluster} (the core
 * module's {@code cluster} Surefire execution, which runs the classes whose {@link RedisMatrix} declares the cluster);
 * then these services connect in cluster mode, and a test that asks for the seed key layout, which cannot run on a
 * cluster, is skipped. Suites that build their services here and read raw state with {@link #sync} run unchanged on
 * both.
 *
 * <p>In a {@link RunsAs} class on the run's embedded Redis, these services log in as that capability's ACL user,
 * and {@link #sync} and {@link #syncAt} answer with an admin connection instead of the service's own.
 */
public final class TestRedis {

  private TestRedis() {}

  /** Settings for the shared server or cluster with a fresh random key prefix, in the topology's default layout. */
  public static RedisSettings.Builder settings(RedisEndpoint endpoint) {
    RedisSettings.Builder builder = RedisSettings.builder().keyPrefix(freshPrefix());
    if (endpoint.isCluster()) {
      builder.clusterNodes(endpoint.clusterNodes().stream()
          .map(node -> HostPort.parse(node, "REDIS_CLUSTER_NODES")).toList());
    } else {
      builder.url(endpoint.uri());
    }
    RunsAsExtension.suiteCalling()
        .ifPresent(suite -> SuiteUsers.on(endpoint).ifPresent(users -> users.login(builder, suite)));
    return builder;
  }

  /**
   * Settings for the shared server or cluster with a fresh random key prefix in {@code layout}; on a cluster, asking
   * for the seed layout skips the test.
   */
  public static RedisSettings.Builder settings(RedisEndpoint endpoint, KeyLayout layout) {
    if (endpoint.isCluster()) {
      Assumptions.assumeTrue(layout == KeyLayout.CLUSTER,
          "the seed key layout cannot run on Redis Cluster (its flows' keys span slots); cluster layout only");
    }
    return settings(endpoint).keyLayout(layout);
  }

  /** A started service on the shared server or cluster with a fresh random key prefix in {@code layout}. */
  public static RedisService start(RedisEndpoint endpoint, KeyLayout layout) {
    return RedisService.start(settings(endpoint, layout).build());
  }

  /** A started service on the shared server or cluster with a fresh random key prefix in the default layout. */
  public static RedisService start(RedisEndpoint endpoint) {
    return RedisService.start(settings(endpoint).build());
  }

  /**
   * Blocking commands on the service's own connection, or for a {@link RunsAs} suite's service an admin one, routed by
   * key on a cluster: for reading raw state.
   */
  public static RedisClusterCommands<String, String> sync(RedisService redis) {
    RedisService admin = admin(redis);
    return admin.isCluster() ? admin.clusterConnection().sync() : admin.connection().sync();
  }

  /**
   * A service with every right on the server or cluster of {@code redis}: for a {@link RunsAs} suite's service the
   * run's admin service (without a key prefix), otherwise {@code redis} itself. For the raw state a test seeds and
   * checks, which its capability's user may not touch.
   */
  public static RedisService admin(RedisService redis) {
    return SuiteUsers.isSuiteUser(redis.settings().username()) ? SuiteUsers.ifOpen().orElseThrow().admin() : redis;
  }

  /**
   * Blocking commands on the one server that holds {@code key}: the server itself, or on a cluster the master of the
   * key's slot. For commands a cluster connection sends to an arbitrary node, such as SCRIPT EXISTS.
   */
  public static RedisClusterCommands<String, String> syncAt(RedisService service, String key) {
    RedisService redis = admin(service);
    if (!redis.isCluster()) {
      return redis.connection().sync();
    }
    RedisURI master = redis.clusterConnection().getPartitions().getPartitionBySlot(SlotHash.getSlot(key)).getUri();
    return redis.clusterConnection().getConnection(master.getHost(), master.getPort()).sync();
  }

  /** A prefix no other test uses, e.g. {@code t-1a2b3c4d:}. */
  public static String freshPrefix() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }
}
