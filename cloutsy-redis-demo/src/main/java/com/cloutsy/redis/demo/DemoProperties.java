package com.cloutsy.redis.demo;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The demo's own settings, {@code demo.*}; the Redis settings are the starter's {@code cloutsy.redis.*} and the
 * seed's {@code REDIS_*} variables.
 *
 * @param token how session tokens are signed
 * @param ops who may use the operations endpoints
 * @param niches the cached niche list
 * @param maxRequestBytes the largest request body any route takes ({@code DEMO_MAX_REQUEST_BYTES}); a larger one is
 *     answered 413 before it is parsed, and it is also the longest JSON document read
 */
@ConfigurationProperties("demo")
public record DemoProperties(@DefaultValue Token token, @DefaultValue Ops ops, @DefaultValue Niches niches,
    @DefaultValue("64KB") DataSize maxRequestBytes) {

  public DemoProperties {
    if (maxRequestBytes.toBytes() < 1 || maxRequestBytes.toBytes() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("demo.max-request-bytes must be 1 B to 2 GB, was " + maxRequestBytes);
    }
  }

  /**
   * {@code demo.token.*}.
   *
   * @param secret the HMAC-SHA256 key of session tokens: Base64 of at least 32 random bytes, the same on every
   *     instance ({@code DEMO_TOKEN_SECRET}); required outside the dev profile, generated at start-up in it
   */
  public record Token(@Nullable String secret) {

    @Override
    public String toString() {
      return "Token[secret=" + (secret == null ? "unset" : "****") + "]";
    }
  }

  /**
   * {@code demo.ops.*}.
   *
   * @param key the shared secret that the ops endpoints, the Actuator's metrics and publishing a notification
   *     require, in the {@code X-Ops-Key} header or as {@code Authorization: Bearer} ({@code DEMO_OPS_KEY}): Base64
   *     of at least 32 random bytes; unset, they answer only loopback callers in the dev profile and nobody in any
   *     other profile
   * @param requestsPerMinute how many {@code /ops/api} requests one client address may make per minute
   */
  public record Ops(@Nullable String key, @DefaultValue("120") long requestsPerMinute) {

    public Ops {
      if (requestsPerMinute <= 0) {
        throw new IllegalArgumentException("demo.ops.requests-per-minute must be > 0, was " + requestsPerMinute);
      }
    }

    @Override
    public String toString() {
      return "Ops[key=" + (key == null ? "unset" : "****") + ", " + requestsPerMinute + "/min]";
    }
  }

  /**
   * {@code demo.niches.*}.
   *
   * @param cacheTtl how long the niche list stays cached
   * @param queryTime how long the simulated database query takes
   */
  public record Niches(@DefaultValue("5m") Duration cacheTtl, @DefaultValue("200ms") Duration queryTime) {}
}
