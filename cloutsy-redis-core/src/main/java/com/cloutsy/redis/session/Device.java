package com.cloutsy.redis.session;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The device a session was created on, as the caller describes it at login.
 *
 * @param deviceId the client's device identifier (the seed's {@code deviceId}); may be empty
 * @param userAgent the client's User-Agent (the seed's {@code userAgent}); may be empty
 * @param userType the kind of account (the seed's {@code userType})
 * @param attributes further fields stored with the session at the top level of its JSON (for instance
 *     {@code ip}, {@code appVersion}); names must be non-empty and must not be one of the stored field names
 *     ({@link #RESERVED_NAMES})
 */
public record Device(String deviceId, String userAgent, UserType userType, Map<String, String> attributes) {

  /** Field names the stored value uses for its own purposes, so no attribute may take them. */
  public static final Set<String> RESERVED_NAMES = Set.of("deviceId", "userAgent", "userType", "createdAt",
      "lastSeenAt", "expiresAt", "absoluteExpiresAt", "enc", "kid", "iv", "ct");

  /**
   * Checks the arguments and copies the attributes.
   *
   * @throws NullPointerException if an argument, an attribute name or an attribute value is null
   * @throws IllegalArgumentException if an attribute name is empty or reserved; the message names it
   */
  public Device {
    Objects.requireNonNull(deviceId, "deviceId must not be null");
    Objects.requireNonNull(userAgent, "userAgent must not be null");
    Objects.requireNonNull(userType, "userType must not be null");
    Objects.requireNonNull(attributes, "attributes must not be null");
    attributes.forEach((name, value) -> {
      Objects.requireNonNull(name, "attribute names must not be null");
      Objects.requireNonNull(value, () -> "attribute \"" + name + "\" must not be null");
      if (name.isEmpty() || RESERVED_NAMES.contains(name)) {
        throw new IllegalArgumentException("attribute name must be non-empty and not one of " + RESERVED_NAMES
            + ", was \"" + name + "\"");
      }
    });
    attributes = Map.copyOf(attributes);
  }

  /** A device without further attributes. */
  public static Device of(String deviceId, String userAgent, UserType userType) {
    return new Device(deviceId, userAgent, userType, Map.of());
  }

  /** This device with one more attribute, or with the attribute's value replaced. */
  public Device withAttribute(String name, String value) {
    Map<String, String> more = new HashMap<>(attributes);
    more.put(Objects.requireNonNull(name, "name must not be null"), value);
    return new Device(deviceId, userAgent, userType, more);
  }
}
