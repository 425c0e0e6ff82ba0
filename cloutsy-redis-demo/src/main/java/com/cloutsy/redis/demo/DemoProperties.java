package com.cloutsy.redis.demo;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The demo's own settings, {@code demo.*}; the Redis settings are the starter's {@code cloutsy.redis.*} and the
 * seed's {@code REDIS_*} variables.
 *
 * @param token how session tokens are signed
 * @param ops who may use the operations endpoints
 * @param niches the cached niche list
 */
@ConfigurationProperties("demo")
public record DemoProperties(@DefaultValue Token token, @DefaultValue Ops ops, @DefaultValue Niches niches) {

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
   * @param key the shared secret the ops endpoints require in the {@code X-Ops-Key} header ({@code DEMO_OPS_KEY});
   *     unset, they answer only loopback callers in the dev profile and nobody in any other profile
   */
  public record Ops(@Nullable String key) {

    @Override
    public String toString() {
      return "Ops[key=" + (key == null ? "unset" : "****") + "]";
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
