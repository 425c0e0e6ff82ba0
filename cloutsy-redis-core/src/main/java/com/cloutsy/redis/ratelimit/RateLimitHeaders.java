package com.cloutsy.redis.ratelimit;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a {@link Decision} as HTTP response header fields, the same way for every web layer: no framework, just
 * names and values.
 *
 * <p>The fields, for a policy named {@code "api"} of 100 a minute with 42 left and a full reset in 30 s:
 * <pre>
 * RateLimit-Policy: "api";q=100;w=60
 * RateLimit: "api";r=42;t=30
 * RateLimit-Limit: 100
 * RateLimit-Remaining: 42
 * RateLimit-Reset: 30
 * Retry-After: 3                      (only when denied)
 * </pre>
 * {@code RateLimit-Policy} and {@code RateLimit} follow the IETF HTTPAPI working group's
 * <a href="https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/">
 * draft-ietf-httpapi-ratelimit-headers-11</a>
 * (May 2026): a Structured Fields list of one item whose value is the policy name as an sf-string, with the quota
 * {@code q} and window {@code w} in the policy, the available quota {@code r} and effective window {@code t} in
 * {@code RateLimit}. {@code RateLimit-Limit}, {@code -Remaining} and {@code -Reset} are the fields of the draft's
 * earlier revisions (up to -06), which many clients and gateways still read. {@code Retry-After} is RFC 9110's
 * delay-seconds.
 *
 * <p>Every time is whole seconds rounded up, so a client that waits as told is never early. When the request was
 * denied, the effective window {@code t} and {@code RateLimit-Reset} carry the retry delay, because the draft (§6)
 * asks that {@code Retry-After} not point earlier than the end of the effective window; when it was admitted they
 * carry {@link Decision#resetAfter()}. The quota {@code q} and {@code RateLimit-Limit} are {@link Decision#limit()},
 * which for GCRA includes the burst. Thread-safe: static methods without state.
 */
public final class RateLimitHeaders {

  /** {@code RateLimit-Policy}: the quota policy, the same on every response. */
  public static final String POLICY = "RateLimit-Policy";
  /** {@code RateLimit}: the current service limit. */
  public static final String RATE_LIMIT = "RateLimit";
  /** {@code RateLimit-Limit}, from the draft's earlier revisions. */
  public static final String LIMIT = "RateLimit-Limit";
  /** {@code RateLimit-Remaining}, from the draft's earlier revisions. */
  public static final String REMAINING = "RateLimit-Remaining";
  /** {@code RateLimit-Reset}, seconds, from the draft's earlier revisions. */
  public static final String RESET = "RateLimit-Reset";
  /** {@code Retry-After}, seconds (RFC 9110). */
  public static final String RETRY_AFTER = "Retry-After";

  private RateLimitHeaders() {}

  /**
   * The header fields for {@code decision}, in the order above, as an unmodifiable map from name to value;
   * {@code Retry-After} only when the decision denied. Pass each entry to the response:
   * {@code RateLimitHeaders.of("api", limit, decision).forEach(response::setHeader)}.
   *
   * @param policy the policy's name, 1-64 printable ASCII characters; quoted and escaped as an sf-string
   * @param limit the limit the decision was made for, whose window becomes {@code w}
   * @param decision the decision
   * @throws IllegalArgumentException if the policy name is empty, too long or not printable ASCII
   * @throws NullPointerException if an argument is null
   */
  public static Map<String, String> of(String policy, RateLimit limit, Decision decision) {
    String name = sfString(policy);
    Objects.requireNonNull(limit, "limit must not be null");
    Objects.requireNonNull(decision, "decision must not be null");
    long window = seconds(limit.window());
    long effective = decision.allowed() ? seconds(decision.resetAfter()) : retryAfterSeconds(decision.retryAfter());
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put(POLICY, name + ";q=" + decision.limit() + ";w=" + Math.max(window, 1));
    fields.put(RATE_LIMIT, name + ";r=" + decision.remaining() + ";t=" + effective);
    fields.put(LIMIT, Long.toString(decision.limit()));
    fields.put(REMAINING, Long.toString(decision.remaining()));
    fields.put(RESET, Long.toString(effective));
    if (!decision.allowed()) {
      fields.put(RETRY_AFTER, Long.toString(effective));
    }
    return Collections.unmodifiableMap(fields);
  }

  /**
   * A {@code Retry-After} value: the delay in whole seconds rounded up, at least 1, so that a client retrying
   * after it is never early and never retries at once. For a denied {@link Cooldown}, for example.
   *
   * @throws IllegalArgumentException if the delay is negative
   * @throws NullPointerException if the delay is null
   */
  public static String retryAfter(Duration delay) {
    Objects.requireNonNull(delay, "delay must not be null");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    return Long.toString(retryAfterSeconds(delay));
  }

  private static long retryAfterSeconds(Duration delay) {
    return Math.max(seconds(delay), 1);
  }

  private static long seconds(Duration duration) {
    long seconds = duration.getSeconds();
    return duration.getNano() > 0 ? seconds + 1 : seconds;
  }

  private static String sfString(String policy) {
    Objects.requireNonNull(policy, "policy must not be null");
    if (policy.isEmpty() || policy.length() > 64) {
      throw new IllegalArgumentException("policy must be 1-64 printable ASCII characters, was \"" + policy + "\"");
    }
    StringBuilder quoted = new StringBuilder(policy.length() + 2).append('"');
    for (int i = 0; i < policy.length(); i++) {
      char c = policy.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException("policy must be 1-64 printable ASCII characters; character " + i
            + " is U+" + String.format("%04X", (int) c));
      }
      if (c == '"' || c == '\\') {
        quoted.append('\\');
      }
      quoted.append(c);
    }
    return quoted.append('"').toString();
  }
}
