package com.cloutsy.redis.keys;

import java.util.Objects;

/**
 * Builds the name of every Redis key this library reads or writes, in one {@link KeyLayout} and under one optional
 * prefix.
 *
 * <p>The patterns are the seed service's; {@code {x}} below marks where the id {@code x} goes:
 *
 * <table>
 *   <caption>Key patterns</caption>
 *   <tr><th>method</th><th>{@link KeyLayout#SEED SEED}</th><th>{@link KeyLayout#CLUSTER CLUSTER}</th></tr>
 *   <tr><td>{@link #session}</td><td>{@code session:42:abc}</td><td>{@code session:{42}:abc}</td></tr>
 *   <tr><td>{@link #sessionIndex}</td><td>{@code sessions:42}</td><td>{@code sessions:{42}}</td></tr>
 *   <tr><td>{@link #otpCooldown}</td><td>{@code otp:cooldown:+15551234567}</td>
 *       <td>{@code otp:cooldown:{+15551234567}}</td></tr>
 *   <tr><td>{@link #loginAttempts}</td><td>{@code login:attempts:alice}</td>
 *       <td>{@code login:attempts:{alice}}</td></tr>
 *   <tr><td>{@link #loginPairAttempts}</td><td>{@code login:attempts:alice:10.0.0.1}</td>
 *       <td>{@code login:attempts:{alice}:10.0.0.1}</td></tr>
 *   <tr><td>{@link #loginAddressAttempts}</td><td>{@code login:address:10.0.0.1}</td>
 *       <td>{@code login:address:{10.0.0.1}}</td></tr>
 *   <tr><td>{@link #loginDeviceAttempts}</td><td>{@code login:device:alice:Zk3…}</td>
 *       <td>{@code login:device:{alice}:Zk3…}</td></tr>
 *   <tr><td>{@link #apiLimit}</td><td>{@code api:limit:42:feed}</td><td>{@code api:limit:{42}:feed}</td></tr>
 *   <tr><td>{@link #userPrefs}</td><td>{@code user:42:prefs}</td><td>{@code user:{42}:prefs}</td></tr>
 *   <tr><td>{@link #cache}</td><td>{@code cache:users:42}</td><td>{@code cache:users:42}</td></tr>
 *   <tr><td>{@link #cachePrefix}</td><td>{@code cache:users:}</td><td>{@code cache:users:}</td></tr>
 *   <tr><td>{@link #config}</td><td>{@code config:mail}</td><td>{@code config:mail}</td></tr>
 *   <tr><td>{@link #health}</td><td>{@code cloutsy:health:a1b2}</td><td>{@code cloutsy:health:a1b2}</td></tr>
 * </table>
 *
 * <p>In the cluster layout the owning id (user id, phone, login identifier or client address) is a hash tag, so
 * all keys of one owner hash to one slot and one Lua script may touch them all. Cache and config keys stay untagged:
 * each is read and
 * written alone, so a tag would enable no multi-key command; it would only pile all keys that share a tag onto one
 * node, where a hot resource is better spread over the cluster.
 *
 * <p>Every id first goes through {@link #encode(String, String)}, so caller input can never add a segment, open a
 * hash tag or become a glob pattern, and distinct ids always give distinct keys. Ids made only of safe characters
 * ({@code A-Z a-z 0-9 . _ @ + -}) are used as they are, which is what keeps the seed layout byte-identical to the
 * seed service's keys; other ids differ from what the seed service writes (it does not escape, e.g., {@code /}).
 *
 * <p>Instances are immutable and thread-safe. A key costs one scan of each id and one string concatenation.
 */
public final class Keys {
  /** The most UTF-16 chars an id may have; longer ones are rejected rather than silently make huge keys. */
  public static final int MAX_COMPONENT_LENGTH = ComponentEncoding.MAX_LENGTH;

  /** The most characters a prefix may have. */
  public static final int MAX_PREFIX_LENGTH = 64;

  private static final Keys SEED = new Keys(KeyLayout.SEED, "");
  private static final Keys CLUSTER = new Keys(KeyLayout.CLUSTER, "");

  private final KeyLayout layout;
  private final String prefix;
  // Around the owning id: empty in the seed layout, the hash-tag braces in the cluster layout.
  private final String tagOpen;
  private final String tagClose;

  private Keys(KeyLayout layout, String prefix) {
    this.layout = layout;
    this.prefix = prefix;
    boolean cluster = layout == KeyLayout.CLUSTER;
    this.tagOpen = cluster ? "{" : "";
    this.tagClose = cluster ? "}" : "";
  }

  /**
   * Returns the keys of {@code layout}, each starting with {@code prefix} verbatim.
   *
   * @param prefix prepended to every key as it is, usually ending in {@code ':'} ({@code "app1:"}); may be empty;
   *     at most {@value #MAX_PREFIX_LENGTH} characters from {@code A-Z a-z 0-9 . _ : -}, so it can neither open a
   *     hash tag nor add a glob pattern
   * @throws IllegalArgumentException if the prefix breaks that rule; the message states the rule
   * @throws NullPointerException if an argument is null
   */
  public static Keys of(KeyLayout layout, String prefix) {
    Objects.requireNonNull(layout, "layout must not be null");
    Objects.requireNonNull(prefix, "prefix must not be null");
    return prefix.isEmpty() ? (layout == KeyLayout.SEED ? SEED : CLUSTER) : new Keys(layout, checkPrefix(prefix));
  }

  /** Returns the {@link KeyLayout#SEED seed} keys without a prefix: exactly the seed service's names. */
  public static Keys seed() {
    return SEED;
  }

  /** Returns the {@link KeyLayout#CLUSTER cluster} keys without a prefix. */
  public static Keys cluster() {
    return CLUSTER;
  }

  /** Returns the layout these keys follow. */
  public KeyLayout layout() {
    return layout;
  }

  /** Returns the prefix every key starts with; empty when there is none. */
  public String prefix() {
    return prefix;
  }

  /**
   * Returns the key of one session's data: {@code session:{userId}:{jti}}.
   *
   * @throws IllegalArgumentException if an id is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if an id is null
   */
  public String session(String userId, String jti) {
    return sessionPrefix(userId) + encode(jti, "jti");
  }

  /**
   * Returns what every session key of a user starts with, {@code session:{userId}:}: the session scripts append
   * each encoded jti they find in the user's index to it.
   *
   * @throws IllegalArgumentException if the id is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if the id is null
   */
  public String sessionPrefix(String userId) {
    return prefix + "session:" + tagOpen + encode(userId, "userId") + tagClose + ":";
  }

  /**
   * Returns the key of the set of a user's active session ids (jtis): {@code sessions:{userId}}.
   *
   * @throws IllegalArgumentException if the id is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if the id is null
   */
  public String sessionIndex(String userId) {
    return prefix + "sessions:" + tagOpen + encode(userId, "userId") + tagClose;
  }

  /**
   * Returns the key of a phone's cooldown between two OTP requests: {@code otp:cooldown:{phone}}.
   *
   * @throws IllegalArgumentException if the phone is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if the phone is null
   */
  public String otpCooldown(String phone) {
    return otp("otp:cooldown:", phone);
  }

  /**
   * Returns the key of a phone's OTP request counter: {@code otp:requests:{phone}}.
   *
   * @throws IllegalArgumentException if the phone is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if the phone is null
   */
  public String otpRequests(String phone) {
    return otp("otp:requests:", phone);
  }

  /**
   * Returns the key of a phone's failed OTP verification attempts: {@code otp:attempts:{phone}}.
   *
   * @throws IllegalArgumentException if the phone is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if the phone is null
   */
  public String otpAttempts(String phone) {
    return otp("otp:attempts:", phone);
  }

  /**
   * Returns the key marking a phone as verified: {@code otp:verified:{phone}}.
   *
   * @throws IllegalArgumentException if the phone is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if the phone is null
   */
  public String otpVerified(String phone) {
    return otp("otp:verified:", phone);
  }

  /**
   * Returns the key of a phone's pending OTP code, stored as a keyed hash, never in clear: {@code otp:code:{phone}}.
   *
   * @throws IllegalArgumentException if the phone is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if the phone is null
   */
  public String otpCode(String phone) {
    return otp("otp:code:", phone);
  }

  /**
   * Returns the key of a phone's pending OTP code for a purpose other than the seed's login:
   * {@code otp:code:{phone}:{purpose}}.
   *
   * @throws IllegalArgumentException if an argument is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if an argument is null
   */
  public String otpCode(String phone, String purpose) {
    return otp("otp:code:", phone) + ":" + encode(purpose, "purpose");
  }

  /**
   * Returns the key of the failed verification attempts of a phone's code for a purpose other than the seed's
   * login: {@code otp:attempts:{phone}:{purpose}}.
   *
   * @throws IllegalArgumentException if an argument is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if an argument is null
   */
  public String otpAttempts(String phone, String purpose) {
    return otp("otp:attempts:", phone) + ":" + encode(purpose, "purpose");
  }

  /**
   * Returns the key marking a phone as verified for a purpose other than the seed's login:
   * {@code otp:verified:{phone}:{purpose}}.
   *
   * @throws IllegalArgumentException if an argument is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if an argument is null
   */
  public String otpVerified(String phone, String purpose) {
    return otp("otp:verified:", phone) + ":" + encode(purpose, "purpose");
  }

  /**
   * Returns the key counting failed logins for a user name, e-mail or client address:
   * {@code login:attempts:{identifier}}.
   *
   * @throws IllegalArgumentException if the identifier is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if the identifier is null
   */
  public String loginAttempts(String identifier) {
    return prefix + "login:attempts:" + tagOpen + encode(identifier, "identifier") + tagClose;
  }

  /**
   * Returns the key counting failed logins for one identifier from one client address:
   * {@code login:attempts:{identifier}:{address}}. It shares the identifier's hash slot in the cluster layout.
   *
   * @throws IllegalArgumentException if an argument is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if an argument is null
   */
  public String loginPairAttempts(String identifier, String address) {
    return loginAttempts(identifier) + ":" + encode(address, "address");
  }

  /**
   * Returns the key counting failed logins from one client address, whatever the identifier:
   * {@code login:address:{address}}.
   *
   * @throws IllegalArgumentException if the address is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if the address is null
   */
  public String loginAddressAttempts(String address) {
    return prefix + "login:address:" + tagOpen + encode(address, "address") + tagClose;
  }

  /**
   * Returns the key holding how many lockouts in a row an identifier has had, for progressive lockout:
   * {@code login:lockouts:{identifier}}.
   *
   * @throws IllegalArgumentException if the identifier is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if the identifier is null
   */
  public String loginLockouts(String identifier) {
    return prefix + "login:lockouts:" + tagOpen + encode(identifier, "identifier") + tagClose;
  }

  /**
   * Returns the key holding how many lockouts in a row an identifier has had from one client address:
   * {@code login:lockouts:{identifier}:{address}}.
   *
   * @throws IllegalArgumentException if an argument is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if an argument is null
   */
  public String loginPairLockouts(String identifier, String address) {
    return loginLockouts(identifier) + ":" + encode(address, "address");
  }

  /**
   * Returns the key holding how many lockouts in a row a client address has had:
   * {@code login:address-lockouts:{address}}.
   *
   * @throws IllegalArgumentException if the address is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if the address is null
   */
  public String loginAddressLockouts(String address) {
    return prefix + "login:address-lockouts:" + tagOpen + encode(address, "address") + tagClose;
  }

  /**
   * Returns the key counting failed logins for one identifier from one known device (a device token the service
   * signed): {@code login:device:{identifier}:{device}}. It shares the identifier's hash slot in the cluster layout.
   *
   * @throws IllegalArgumentException if an argument is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if an argument is null
   */
  public String loginDeviceAttempts(String identifier, String device) {
    return prefix + "login:device:" + tagOpen + encode(identifier, "identifier") + tagClose + ":"
        + encode(device, "device");
  }

  /**
   * Returns the key holding how many lockouts in a row one known device of an identifier has had:
   * {@code login:device-lockouts:{identifier}:{device}}.
   *
   * @throws IllegalArgumentException if an argument is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if an argument is null
   */
  public String loginDeviceLockouts(String identifier, String device) {
    return prefix + "login:device-lockouts:" + tagOpen + encode(identifier, "identifier") + tagClose + ":"
        + encode(device, "device");
  }

  /**
   * Returns the key of a user's rate limit on one endpoint: {@code api:limit:{userId}:{endpoint}}.
   *
   * @throws IllegalArgumentException if an argument is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if an argument is null
   */
  public String apiLimit(String userId, String endpoint) {
    return prefix + "api:limit:" + tagOpen + encode(userId, "userId") + tagClose + ":"
        + encode(endpoint, "endpoint");
  }

  /**
   * Returns the key of one cached value: {@code cache:{resource}:{id}}. Never hash-tagged, see the class comment.
   *
   * @throws IllegalArgumentException if an argument is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if an argument is null
   */
  public String cache(String resource, String id) {
    return prefix + "cache:" + encode(resource, "resource") + ":" + encode(id, "id");
  }

  /**
   * Returns the prefix of every cached value of one resource: {@code cache:{resource}:}, what
   * {@link #cache(String, String)} puts before the id, e.g. to invalidate them all at once.
   *
   * @throws IllegalArgumentException if the resource is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if the resource is null
   */
  public String cachePrefix(String resource) {
    return prefix + "cache:" + encode(resource, "resource") + ":";
  }

  /**
   * Returns the key of the hash of a user's preferences: {@code user:{userId}:prefs}.
   *
   * @throws IllegalArgumentException if the id is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if the id is null
   */
  public String userPrefs(String userId) {
    return prefix + "user:" + tagOpen + encode(userId, "userId") + tagClose + ":prefs";
  }

  /**
   * Returns the key of one cached configuration section: {@code config:{section}}. Never hash-tagged, see the class
   * comment.
   *
   * @throws IllegalArgumentException if the section is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if the section is null
   */
  public String config(String section) {
    return prefix + "config:" + encode(section, "section");
  }

  /**
   * Returns the key the health check writes and reads back to prove the server accepts writes:
   * {@code cloutsy:health:{instance}}, one per checking application instance, short-lived. Not a seed key; never
   * hash-tagged, see the class comment.
   *
   * @throws IllegalArgumentException if the instance is empty, too long or not valid Unicode; the message names it
   * @throws NullPointerException if the instance is null
   */
  public String health(String instance) {
    return prefix + "cloutsy:health:" + encode(instance, "instance");
  }

  /**
   * Encodes one id as a key component: every char in {@code A-Z a-z 0-9 . _ @ + -} stays, every other byte of the
   * UTF-8 form becomes {@code %XX} (uppercase hex), so {@code %} itself becomes {@code %25}.
   *
   * <p>The encoding is injective, and the result never contains {@code :}, <code>{</code>, <code>}</code>,
   * {@code *}, {@code ?}, {@code [}, {@code ]}, whitespace or control characters. When every char is safe, which is
   * the usual case, the argument itself is returned and nothing is allocated. Thread-safe.
   *
   * @param component the id to encode: 1 to {@value #MAX_COMPONENT_LENGTH} UTF-16 chars of valid Unicode
   * @param name what the id is ({@code "userId"}), for exception messages
   * @throws IllegalArgumentException if {@code component} is empty, too long or holds an unpaired surrogate; the
   *     message starts with {@code name}
   * @throws NullPointerException if {@code component} is null; the message starts with {@code name}
   */
  public static String encode(String component, String name) {
    return ComponentEncoding.encode(component, name);
  }

  /** Returns whether {@code other} is a {@code Keys} of the same layout and prefix, so it names the same keys. */
  @Override
  public boolean equals(Object other) {
    return other instanceof Keys keys && layout == keys.layout && prefix.equals(keys.prefix);
  }

  /** Returns a hash code consistent with {@link #equals(Object)}. */
  @Override
  public int hashCode() {
    return 31 * layout.hashCode() + prefix.hashCode();
  }

  /** Returns the layout and the quoted prefix, e.g. {@code Keys[layout=CLUSTER, prefix="app1:"]}. */
  @Override
  public String toString() {
    return "Keys[layout=" + layout + ", prefix=\"" + prefix + "\"]";
  }

  private String otp(String type, String phone) {
    return prefix + type + tagOpen + encode(phone, "phone") + tagClose;
  }

  private static String checkPrefix(String prefix) {
    boolean valid = prefix.length() <= MAX_PREFIX_LENGTH;
    for (int i = 0; valid && i < prefix.length(); i++) {
      valid = isPrefixChar(prefix.charAt(i));
    }
    if (!valid) {
      throw new IllegalArgumentException("prefix must be at most " + MAX_PREFIX_LENGTH
          + " characters from A-Z a-z 0-9 . _ : -, was \"" + prefix + "\"");
    }
    return prefix;
  }

  private static boolean isPrefixChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '.' || c == '_' || c == ':' || c == '-';
  }
}
