package com.cloutsy.redis.demo.auth;

import com.cloutsy.redis.session.Session;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One device's session as the API and the ops page show it.
 *
 * @param current whether it is the session of the request's own token
 */
public record DeviceSession(String jti, String deviceId, String userAgent, String userType, Instant createdAt,
    Instant lastSeenAt, boolean current) {

  /** The view of {@code session}; {@code current} when its jti is {@code currentJti}. */
  public static DeviceSession of(Session session, @Nullable String currentJti) {
    return new DeviceSession(session.jti(), session.deviceId(), session.userAgent(), session.userType().stored(),
        session.createdAt(), session.lastSeenAt(), session.jti().equals(currentJti));
  }
}
