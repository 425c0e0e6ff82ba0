package com.cloutsy.redis.session;

/** The kind of account a session belongs to, stored as the seed's lower-case strings. */
public enum UserType {
  /** A creator account, stored as {@code "influencer"}. */
  INFLUENCER("influencer"),
  /** A brand account, stored as {@code "brand"}. */
  BRAND("brand");

  private final String stored;

  UserType(String stored) {
    this.stored = stored;
  }

  /** The string stored in the session's {@code userType} field. */
  public String stored() {
    return stored;
  }

  /**
   * The type stored as {@code value}, exactly ({@code "influencer"} or {@code "brand"}).
   *
   * @throws IllegalArgumentException if {@code value} is neither; the message quotes it
   */
  public static UserType fromStored(String value) {
    for (UserType type : values()) {
      if (type.stored.equals(value)) {
        return type;
      }
    }
    throw new IllegalArgumentException("userType must be \"influencer\" or \"brand\", was \"" + value + "\"");
  }
}
