package com.cloutsy.redis;

import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.keys.KeyLayout;
import java.util.UUID;

/**
 * Services for tests on the run's shared server: each gets a key prefix of its own, so tests never see each
 * other's keys, need no FLUSHALL and may run in parallel.
 */
public final class TestRedis {

  private TestRedis() {}

  /** Settings for the shared server with a fresh random key prefix, in the seed layout. */
  public static RedisSettings.Builder settings(RedisEndpoint endpoint) {
    return RedisSettings.builder().url(endpoint.uri()).keyPrefix(freshPrefix());
  }

  /** A started service on the shared server with a fresh random key prefix in {@code layout}. */
  public static RedisService start(RedisEndpoint endpoint, KeyLayout layout) {
    return RedisService.start(settings(endpoint).keyLayout(layout).build());
  }

  /** A prefix no other test uses, e.g. {@code t-1a2b3c4d:}. */
  public static String freshPrefix() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }
}
