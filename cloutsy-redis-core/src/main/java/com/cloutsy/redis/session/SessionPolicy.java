package com.cloutsy.redis.session;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How {@link SessionStore} keeps sessions: lifetimes, the per-user limit, encryption at rest and index expiry.
 * Immutable; start from {@link #defaults()} and adjust with the {@code withX} copies.
 *
 * @param ttl how long a new session lives without being touched; the seed's {@code SEVEN_DAYS} by default
 * @param idleTimeout the sliding expiry: each {@link SessionStore#touch touch} sets the remaining lifetime to this
 *     (a shorter value than {@code ttl} shortens it at the first touch); 7 days by default
 * @param absoluteLifetime how long after its creation a session ends, however often it is touched: it caps
 *     {@code ttl} and {@code idleTimeout}, which may be longer (they are cut to it), so setting only this is
 *     enough; fixed for each session when it is created, so changing the policy later does not move it; 30 days
 *     by default. A session written by the seed's code records no cap: its first touch gives it
 *     {@code createdAt} plus this
 * @param maxSessionsPerUser at most this many sessions per user, up to {@link #MAX_SESSIONS_PER_USER}: creating
 *     one more evicts the oldest (by {@code createdAt}) in the same atomic step;
 *     {@value #DEFAULT_MAX_SESSIONS_PER_USER} by default. <b>0 for no limit</b> is allowed but not advised: an
 *     index that grows beyond twice {@link #MAX_SESSIONS_PER_USER} entries is then listed, counted and revoked in
 *     bounded steps that are not atomic (a session created meanwhile may or may not be seen), each such call taking
 *     a command per 128 entries; {@link SessionStore} logs a warning when it is created with 0
 * @param encryption AES-GCM keys to encrypt the device fields at rest, or null (the default) to store the seed's
 *     plain JSON
 * @param expireIndex whether the index {@code sessions:{userId}} expires with its longest-lived session (the
 *     default), so an idle user's index does not stay behind. Set it to false while a service on the seed's code
 *     still creates sessions for the same users: that code adds to the index without extending its TTL, so the
 *     index could expire before the session it just added
 */
public record SessionPolicy(Duration ttl, Duration idleTimeout, Duration absoluteLifetime, int maxSessionsPerUser,
    @Nullable SessionEncryption encryption, boolean expireIndex) {

  /** The seed's {@code SEVEN_DAYS}: the default TTL and idle timeout. */
  public static final Duration DEFAULT_TTL = Duration.ofDays(7);

  /** The default absolute lifetime. */
  public static final Duration DEFAULT_ABSOLUTE_LIFETIME = Duration.ofDays(30);

  /**
   * The default limit of sessions per user: far more devices than a person uses, few enough that every flow handles
   * a user's index whole, in one atomic script.
   */
  public static final int DEFAULT_MAX_SESSIONS_PER_USER = 100;

  /**
   * The highest limit of sessions per user: half the size up to which the session scripts handle an index whole, in
   * one atomic script of a few milliseconds of server time at most ({@code WHOLE_LIMIT} in
   * {@code session-library.lua}), so that dead entries left by another writer, up to as many again, do not tip an
   * index into the stepwise flows.
   */
  public static final int MAX_SESSIONS_PER_USER = 512;

  /** The longest any duration of the policy may be. */
  public static final Duration MAX_DURATION = Duration.ofDays(3650);

  private static final SessionPolicy DEFAULTS =
      new SessionPolicy(DEFAULT_TTL, DEFAULT_TTL, DEFAULT_ABSOLUTE_LIFETIME, DEFAULT_MAX_SESSIONS_PER_USER, null,
          true);

  /**
   * Checks the policy.
   *
   * @throws IllegalArgumentException if a duration is under 1 ms or over {@link #MAX_DURATION}, or if
   *     {@code maxSessionsPerUser} is negative or over {@link #MAX_SESSIONS_PER_USER}; the message names the
   *     component
   * @throws NullPointerException if a duration is null
   */
  public SessionPolicy {
    checkDuration(ttl, "ttl");
    checkDuration(idleTimeout, "idleTimeout");
    checkDuration(absoluteLifetime, "absoluteLifetime");
    if (maxSessionsPerUser < 0 || maxSessionsPerUser > MAX_SESSIONS_PER_USER) {
      throw new IllegalArgumentException("maxSessionsPerUser must be from 0 (no limit) to " + MAX_SESSIONS_PER_USER
          + ", was " + maxSessionsPerUser);
    }
  }

  /**
   * The defaults: a 7-day TTL and idle timeout (the seed's {@code SEVEN_DAYS}), a 30-day absolute lifetime,
   * {@value #DEFAULT_MAX_SESSIONS_PER_USER} sessions per user, no encryption, an expiring index.
   */
  public static SessionPolicy defaults() {
    return DEFAULTS;
  }

  /** This policy with another TTL for new sessions. */
  public SessionPolicy withTtl(Duration ttl) {
    return new SessionPolicy(ttl, idleTimeout, absoluteLifetime, maxSessionsPerUser, encryption, expireIndex);
  }

  /** This policy with another idle timeout. */
  public SessionPolicy withIdleTimeout(Duration idleTimeout) {
    return new SessionPolicy(ttl, idleTimeout, absoluteLifetime, maxSessionsPerUser, encryption, expireIndex);
  }

  /** This policy with another absolute lifetime for sessions created from now on. */
  public SessionPolicy withAbsoluteLifetime(Duration absoluteLifetime) {
    return new SessionPolicy(ttl, idleTimeout, absoluteLifetime, maxSessionsPerUser, encryption, expireIndex);
  }

  /**
   * This policy with TTL, idle timeout and absolute lifetime all set to {@code lifetime}: sessions end that long
   * after creation whatever happens, as with the seed's code.
   */
  public SessionPolicy withFixedLifetime(Duration lifetime) {
    return new SessionPolicy(lifetime, lifetime, lifetime, maxSessionsPerUser, encryption, expireIndex);
  }

  /** This policy with a per-user limit; 0 for none (see {@link #maxSessionsPerUser()}). */
  public SessionPolicy withMaxSessionsPerUser(int maxSessionsPerUser) {
    return new SessionPolicy(ttl, idleTimeout, absoluteLifetime, maxSessionsPerUser, encryption, expireIndex);
  }

  /** This policy encrypting new sessions with {@code encryption}'s current key. */
  public SessionPolicy withEncryption(SessionEncryption encryption) {
    Objects.requireNonNull(encryption, "encryption must not be null");
    return new SessionPolicy(ttl, idleTimeout, absoluteLifetime, maxSessionsPerUser, encryption, expireIndex);
  }

  /** This policy storing plain JSON; encrypted values already stored can then no longer be read. */
  public SessionPolicy withoutEncryption() {
    return new SessionPolicy(ttl, idleTimeout, absoluteLifetime, maxSessionsPerUser, null, expireIndex);
  }

  /** This policy with index expiry on or off; see {@link #expireIndex()}. */
  public SessionPolicy withExpireIndex(boolean expireIndex) {
    return new SessionPolicy(ttl, idleTimeout, absoluteLifetime, maxSessionsPerUser, encryption, expireIndex);
  }

  private static void checkDuration(Duration duration, String name) {
    Objects.requireNonNull(duration, () -> name + " must not be null");
    if (duration.compareTo(Duration.ofMillis(1)) < 0 || duration.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(name + " must be from 1 ms to " + MAX_DURATION.toDays() + " days, was "
          + duration);
    }
  }
}
