package com.cloutsy.redis.embedded;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one Redis a test run shares: the server named by {@code REDIS_URL}, or else an embedded one that closes
 * with the run.
 */
final class SharedRedis implements AutoCloseable {

  static final String URL_VARIABLE = "REDIS_URL";

  private final RedisEndpoint endpoint;
  private final @Nullable EmbeddedRedis server;

  private SharedRedis(RedisEndpoint endpoint, @Nullable EmbeddedRedis server) {
    this.endpoint = endpoint;
    this.server = server;
  }

  /** Uses {@code REDIS_URL} from {@code environment} if set, without connecting; otherwise starts a server. */
  static SharedRedis open(Map<String, String> environment) {
    String url = environment.get(URL_VARIABLE);
    if (url != null && !url.isBlank()) {
      try {
        return new SharedRedis(RedisEndpoint.fromUri(url), null);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(URL_VARIABLE + ": " + e.getMessage(), e);
      }
    }
    EmbeddedRedis started = EmbeddedRedis.start();
    return new SharedRedis(started.endpoint(), started);
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
  }
}
