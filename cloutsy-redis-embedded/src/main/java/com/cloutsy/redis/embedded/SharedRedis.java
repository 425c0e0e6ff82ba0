package com.cloutsy.redis.embedded;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Redis a test run shares. Its topology comes from the system property {@code cloutsy.redis.topology} (or
 * the environment variable {@code CLOUTSY_REDIS_TOPOLOGY}): {@code single} (the default) is the server named by
 * {@code REDIS_URL}, or else an embedded one; {@code cluster} is the Redis Cluster named by
 * {@code REDIS_CLUSTER_NODES}, or else an embedded 3 + 3 {@link EmbeddedRedisCluster}. What this class starts closes
 * with the run.
 */
final class SharedRedis implements AutoCloseable {

  static final String URL_VARIABLE = "REDIS_URL";
  static final String CLUSTER_NODES_VARIABLE = "REDIS_CLUSTER_NODES";
  static final String TOPOLOGY_PROPERTY = "cloutsy.redis.topology";
  static final String TOPOLOGY_VARIABLE = "CLOUTSY_REDIS_TOPOLOGY";

  private static final Logger LOG = LoggerFactory.getLogger(SharedRedis.class);

  private final RedisEndpoint endpoint;
  private final @Nullable EmbeddedRedis server;
  private final @Nullable EmbeddedRedisCluster cluster;

  private SharedRedis(RedisEndpoint endpoint, @Nullable EmbeddedRedis server, @Nullable EmbeddedRedisCluster cluster) {
    this.endpoint = endpoint;
    this.server = server;
    this.cluster = cluster;
  }

  /** The shared Redis for this JVM's properties and environment. */
  static SharedRedis open() {
    String property = System.getProperty(TOPOLOGY_PROPERTY);
    return open(System.getenv(), property == null ? Map.of() : Map.of(TOPOLOGY_PROPERTY, property));
  }

  /** Uses an external server or cluster when the environment names one, without connecting; otherwise starts one. */
  static SharedRedis open(Map<String, String> environment, Map<String, String> properties) {
    String topology = properties.getOrDefault(TOPOLOGY_PROPERTY, environment.getOrDefault(TOPOLOGY_VARIABLE, ""))
        .strip().toLowerCase(Locale.ROOT);
    return switch (topology) {
      case "", "single" -> single(environment);
      case "cluster" -> cluster(environment);
      default -> throw new IllegalArgumentException(
          TOPOLOGY_PROPERTY + " must be single or cluster, was \"" + topology + "\"");
    };
  }

  /** Uses {@code REDIS_URL} from {@code environment} if set, without connecting; otherwise starts a server. */
  static SharedRedis open(Map<String, String> environment) {
    return single(environment);
  }

  private static SharedRedis single(Map<String, String> environment) {
    String url = environment.get(URL_VARIABLE);
    if (url != null && !url.isBlank()) {
      try {
        return new SharedRedis(RedisEndpoint.fromUri(url), null, null);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(URL_VARIABLE + ": " + e.getMessage(), e);
      }
    }
    EmbeddedRedis started = EmbeddedRedis.start();
    return new SharedRedis(started.endpoint(), started, null);
  }

  private static SharedRedis cluster(Map<String, String> environment) {
    String nodes = environment.get(CLUSTER_NODES_VARIABLE);
    if (nodes != null && !nodes.isBlank()) {
      List<String> seeds = Arrays.stream(nodes.split(",")).map(String::strip).filter(node -> !node.isEmpty()).toList();
      String first = seeds.get(0);
      int colon = first.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(CLUSTER_NODES_VARIABLE + " must list host:port, was \"" + nodes + "\"");
      }
      RedisEndpoint one = RedisEndpoint.fromUri("redis://" + first);
      return new SharedRedis(new RedisEndpoint(one.host(), one.port(), one.uri(), seeds), null, null);
    }
    EmbeddedRedisCluster started = EmbeddedRedisCluster.start();
    LOG.info("Tests share the embedded Redis Cluster {}", started.seeds());
    return new SharedRedis(started.endpoint(), null, started);
  }

  RedisEndpoint endpoint() {
    return endpoint;
  }

  @Nullable EmbeddedRedis server() {
    return server;
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }
}
