package com.cloutsy.redis.embedded;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * Where a Redis server answers: the host and port to connect to, and the URI a client is configured with; for a
 * Redis Cluster also every node's address.
 *
 * <p>The URI is kept as given, credentials and database included; {@link #toString()} masks the password.
 *
 * @param host the host name or address, not blank; of one node for a cluster
 * @param port the TCP port, 1-65535; of one node for a cluster
 * @param uri the {@code redis://} or {@code rediss://} URI for a client; of one node for a cluster
 * @param clusterNodes {@code host:port} of every node when this is a Redis Cluster ({@code REDIS_CLUSTER_NODES}),
 *     empty for a single server
 */
public record RedisEndpoint(String host, int port, String uri, List<String> clusterNodes) {

  private static final int DEFAULT_PORT = 6379;

  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException if the host is blank or the port is outside 1-65535
   */
  public RedisEndpoint {
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535, was " + port);
    }
    clusterNodes = List.copyOf(clusterNodes);
  }

  /**
   * An endpoint of a single server.
   *
   * @param host the host name or address, not blank
   * @param port the TCP port, 1-65535
   * @param uri the {@code redis://} or {@code rediss://} URI for a client
   */
  public RedisEndpoint(String host, int port, String uri) {
    this(host, port, uri, List.of());
  }

  /**
   * Tells whether this endpoint is a Redis Cluster, whose clients must use {@link #clusterNodes()}.
   *
   * @return whether cluster nodes are listed
   */
  public boolean isCluster() {
    return !clusterNodes.isEmpty();
  }

  /**
   * Parses {@code redis://[user:password@]host[:port][/db]} (or {@code rediss://}) into an endpoint.
   *
   * <p>Only host and port are extracted; the port defaults to 6379. The URI itself is kept unchanged, so the
   * credentials and database reach the client. Error messages never repeat the URI, which may hold a password.
   *
   * @param uri the URI, for example the value of {@code REDIS_URL}
   * @return the endpoint
   * @throws IllegalArgumentException if the URI is malformed, has another scheme or no host
   */
  public static RedisEndpoint fromUri(String uri) {
    URI parsed;
    try {
      parsed = new URI(uri.strip());
    } catch (URISyntaxException e) {
      // Not chained: the cause's message repeats the input, password included.
      throw new IllegalArgumentException("Redis URI is malformed at index " + e.getIndex() + ": " + e.getReason());
    }
    String scheme = parsed.getScheme();
    if (!"redis".equalsIgnoreCase(scheme) && !"rediss".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException("Redis URI must start with redis:// or rediss://, was scheme " + scheme);
    }
    String host = parsed.getHost();
    if (host == null) {
      throw new IllegalArgumentException("Redis URI must name a host: redis://host:port");
    }
    return new RedisEndpoint(host, parsed.getPort() == -1 ? DEFAULT_PORT : parsed.getPort(), uri);
  }

  /**
   * Describes the endpoint with the URI's password replaced by {@code ****}.
   *
   * @return host, port and the masked URI
   */
  @Override
  public String toString() {
    return "RedisEndpoint[host=" + host + ", port=" + port + ", uri=" + maskedUri()
        + (isCluster() ? ", clusterNodes=" + String.join(",", clusterNodes) : "") + "]";
  }

  private String maskedUri() {
    int schemeEnd = uri.indexOf("://");
    // The last '@' rather than the first: an unencoded '@' in a password must not leave its tail visible.
    int at = uri.lastIndexOf('@');
    if (schemeEnd < 0 || at < schemeEnd) {
      return uri;
    }
    String userInfo = uri.substring(schemeEnd + 3, at);
    int colon = userInfo.indexOf(':');
    // Without a colon, clients such as Lettuce read the whole user info as the password.
    String masked = colon < 0 ? "****" : userInfo.substring(0, colon) + ":****";
    return uri.substring(0, schemeEnd + 3) + masked + uri.substring(at);
  }
}
