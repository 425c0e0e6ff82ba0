package com.cloutsy.redis.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One stored session, as read from Redis.
 *
 * @param jti the session's id, the JWT id the caller issued (or {@link SessionStore} minted)
 * @param deviceId the seed's {@code deviceId}; empty when the writer left it out (the seed's code drops undefined
 *     fields)
 * @param userAgent the seed's {@code userAgent}; empty when the writer left it out
 * @param userType the seed's {@code userType}
 * @param createdAt when the session was created (the seed's {@code createdAt}), by the Redis server's clock
 * @param lastSeenAt when it was last {@linkplain SessionStore#touch touched}; {@code createdAt} if never
 * @param remainingTtl how long the session has left at the time it was read, from the server's TTL of its key
 *     (PTTL, in the same round trip as the read) for {@code get}, {@code list} and {@code touch}, so this
 *     process's clock plays no part; the duration of {@link java.time.temporal.ChronoUnit#FOREVER} if the key has
 *     no expiry (written without one by other code)
 * @param attributes every other top-level field of the stored JSON: the {@link Device#attributes() device's
 *     attributes} and fields other services wrote; strings as they are, other JSON values (numbers, booleans,
 *     objects, arrays) as their compact JSON text; null fields left out
 */
public record Session(String jti, String deviceId, String userAgent, UserType userType, Instant createdAt,
    Instant lastSeenAt, Duration remainingTtl, Map<String, String> attributes) {

  /**
   * Checks for nulls and copies the attributes.
   *
   * @throws NullPointerException if an argument is null
   */
  public Session {
    Objects.requireNonNull(jti, "jti must not be null");
    Objects.requireNonNull(deviceId, "deviceId must not be null");
    Objects.requireNonNull(userAgent, "userAgent must not be null");
    Objects.requireNonNull(userType, "userType must not be null");
    Objects.requireNonNull(createdAt, "createdAt must not be null");
    Objects.requireNonNull(lastSeenAt, "lastSeenAt must not be null");
    Objects.requireNonNull(remainingTtl, "remainingTtl must not be null");
    attributes = Map.copyOf(attributes);
  }

  /**
   * The device this session was created on. Attributes that are reserved names cannot occur here, since the
   * stored value's own fields are read into the other components.
   */
  public Device device() {
    return new Device(deviceId, userAgent, userType, attributes);
  }
}
