package com.cloutsy.redis.session;

import com.cloutsy.redis.FeatureCounters;
import com.cloutsy.redis.RedisRuntime;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.ServerError;
import com.cloutsy.redis.UnconfirmedWriteException;
import com.cloutsy.redis.config.Durability;
import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.script.LuaScript;
import com.cloutsy.redis.script.Reply;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's login sessions and the devices they were created on, stored as the seed's NestJS service stores them,
 * so both can share sessions during a migration: {@code session:{userId}:{jti}} holds a JSON object with
 * {@code deviceId}, {@code userAgent}, {@code createdAt} (ISO-8601) and {@code userType}, and the set
 * {@code sessions:{userId}} holds the user's jtis.
 *
 * <p>Every flow that touches the index is one Lua script, so index and values never disagree and two application
 * instances cannot interleave: {@link #create} (with eviction beyond {@link SessionPolicy#maxSessionsPerUser()}),
 * {@link #touch}, {@link #list}, {@link #count}, {@link #revoke}, {@link #revokeAll}, {@link #revokeAllExcept}.
 * {@link #get} is a GET and a PTTL sent together. No command's work grows with the index beyond a fixed bound: an
 * index of more than twice {@link SessionPolicy#MAX_SESSIONS_PER_USER} entries (which only another writer, such as
 * the seed's code, or a policy without a limit can make) is listed, counted and revoked in steps of about 128
 * entries, each one command, that are not atomic together (a session created meanwhile may or may not be seen);
 * writes then prune a sample of it and evict nothing, and {@link #cleanIndex} brings it back. Otherwise each call is
 * one round trip (a write with durability on, below, two); times come from the Redis server's clock. Revocation
 * deletes the value, so it takes effect at once for every instance that checks with {@link #get}.
 *
 * <p>Failure policy: fail closed. While Redis cannot be asked, every method throws (or its stage fails with)
 * {@link RedisUnavailableException}; a session is never reported valid when it could not be checked. A stored
 * value that cannot be interpreted gives {@link SessionCorruptedException}, never a session. A write that timed
 * out has an unknown outcome (the command may still run): creating again with the same jti then fails with
 * {@link IllegalArgumentException} if the first attempt did succeed.
 *
 * <p>Durability: with {@link com.cloutsy.redis.config.RedisSettings#durability()} on ({@code REDIS_WAIT_REPLICAS} &gt;
 * 0), every create and revocation ({@link #create}, {@link #revoke}, {@link #revokeAll}, {@link #revokeAllExcept})
 * runs on the service's durable connection and is reported done only after that many replicas confirmed it
 * ({@code WAIT}, one more round trip of about a replica round trip). When they do not within
 * {@code REDIS_WAIT_TIMEOUT_MS}, the call fails with {@link UnconfirmedWriteException} after that timeout: a new
 * session is ended again before the failure is reported (its jti is never valid; sessions it evicted to make room
 * stay ended), a revocation is done on the master but a failover now could undo it, so revoke again. {@link #touch}
 * does not wait: it runs on every authenticated request, and what a failover can undo of it is only an expiry moved
 * later, which the next touch moves again. This is fail closed, as Redis's own {@code min-replicas-to-write} is:
 * while no replica is connected, logins and logouts fail rather than succeed without the guarantee that was asked
 * for. Reads ({@link #get}, {@link #list}, {@link #count}) use the shared connection and never wait.
 *
 * <p>Metrics: {@code cloutsy.redis.sessions.created} and {@code cloutsy.redis.sessions.revoked} with the tag
 * {@code reason} = {@code revoke}, {@code revoke_all}, {@code revoke_others} or {@code evicted}, counting live
 * sessions ended (not dead index entries pruned).
 *
 * <p>Thread-safe; create one per {@link RedisService} and share it.
 *
 * <pre>{@code
 * SessionStore sessions = SessionStore.create(redis, SessionPolicy.defaults().withMaxSessionsPerUser(5));
 * SessionCreated login = sessions.create("42", Device.of("iphone-1", userAgent, UserType.INFLUENCER));
 * String jti = login.session().jti();                   // put it into the JWT
 * Optional<Session> current = sessions.touch("42", jti); // on each authenticated request
 * sessions.revokeAllExcept("42", jti);                   // "log out my other devices"
 * }</pre>
 */
public final class SessionStore {

  /*
   * Design notes.
   *
   * Index pruning. For an index small enough to handle whole (session-library.lua's WHOLE_LIMIT), create, list,
   * count and revoke check each member's PTTL and drop those whose value is gone, then set the index TTL to that of
   * its longest-lived session (PERSIST if one has none); revokeAll deletes the index. touch, which runs on every
   * request, only samples a few members and extends the index TTL when its session now outlives it, so its cost
   * does not grow with the user's sessions; it also adds its own jti again, healing an index entry that was lost.
   * A larger index is never read whole: writes prune a random sample (SRANDMEMBER), the other flows walk it with
   * SSCAN (SessionIndex). With SessionPolicy.expireIndex off, no script changes the index TTL.
   *
   * Keeping unknown fields on touch. touch rewrites only lastSeenAt, expiresAt and absoluteExpiresAt. Decoding with
   * cjson and encoding again would lose data another service wrote: cjson prints numbers with 14 significant digits
   * (a 64-bit id 1234567890123456789 becomes 1.2345678901235e+18) and turns [] into {}. So the script validates
   * and reads with cjson but edits the text: it scans the top-level members and replaces or appends just those
   * three, leaving every other byte as it was.
   *
   * Encryption. Lua cannot decrypt, yet touch and list must stay one round trip and create must evict by age
   * inside its script. So only the device part (deviceId, userAgent, userType, attributes) is encrypted; the times
   * the scripts need (createdAt, lastSeenAt, expiresAt, absoluteExpiresAt) stay in clear beside the ciphertext in a
   * JSON envelope, {"enc":"v1","kid":…,"iv":…,"ct":…,<times>}. The same scripts then serve plain and encrypted
   * values, and Java decrypts what they return. The times are not authenticated: the key's TTL, which Redis
   * enforces, is what decides validity. The ciphertext is bound to user and jti by its associated data.
   *
   * get as GET and PTTL in one round trip. The value records expiresAt, which create and touch keep equal to the
   * key's expiry, but comparing it with this process's clock would let a JVM clock that is off by hours report a
   * live session as nearly expired (or the reverse). So get sends PTTL right behind GET, without waiting for the
   * GET's reply: both travel in one write on the multiplexed connection and come back together, and the remaining
   * TTL is the server's, as for list and touch. A key that expires between the two (PTTL -2) reads as no session.
   *
   * Keys of other sessions. The scripts build the key of each jti in the index from this user's session key
   * prefix (passed as an argument) and Keys.encode rewritten in Lua. In the cluster layout the prefix carries the
   * user id as a hash tag, so these keys lie in the slot of the keys the script declares.
   */

  private static final LuaScript CREATE = LuaScript.load("session-create.lua");
  private static final LuaScript TOUCH = LuaScript.load("session-touch.lua");
  private static final Logger log = LoggerFactory.getLogger(SessionStore.class);
  private static final LuaScript REVOKE = LuaScript.load("session-revoke.lua");

  /** The session scripts' yes/no arguments, which they compare as strings ({@code ARGV[3] == '1'}). */
  private static final String YES = "1";
  private static final String NO = "0";
  private static final SecureRandom JTI_RANDOM = new SecureRandom();
  private static final int JTI_BYTES = 16;
  private static final Base64.Encoder JTI_ENCODING = Base64.getUrlEncoder().withoutPadding();
  private static final Duration NO_EXPIRY = ChronoUnit.FOREVER.getDuration();
  private static final String REVOKE_AGAIN = "a failover now could bring the sessions back, so revoke again once a"
      + " replica is connected";

  private final RedisRuntime runtime;
  private final Keys keys;
  private final Durability durability;
  private final SessionPolicy policy;
  private final SessionFormat format;
  private final SessionIndex index;
  private final Duration initialTtl;
  private final String ttlMillis;
  private final String idleMillis;
  private final String lifetimeMillis;
  private final String maxSessions;
  private final String expireIndex;
  private final FeatureCounters.Counter created;
  private final FeatureCounters.Counter revoked;
  private final FeatureCounters.Counter revokedAll;
  private final FeatureCounters.Counter revokedOthers;
  private final FeatureCounters.Counter evicted;
  private final FeatureCounters.Counter oversized;

  private SessionStore(RedisService redis, SessionPolicy policy) {
    Objects.requireNonNull(redis, "redis must not be null");
    this.policy = Objects.requireNonNull(policy, "policy must not be null");
    this.runtime = redis.runtime();
    this.keys = runtime.keyNames();
    this.durability = runtime.settings().durability();
    this.format = new SessionFormat(policy.encryption());
    this.index = new SessionIndex(keys, format, this::indexScript, this::writeScript, policy.expireIndex());
    this.initialTtl = policy.ttl().compareTo(policy.absoluteLifetime()) < 0 ? policy.ttl() : policy.absoluteLifetime();
    this.ttlMillis = Long.toString(initialTtl.toMillis());
    this.idleMillis = Long.toString(policy.idleTimeout().toMillis());
    this.lifetimeMillis = Long.toString(policy.absoluteLifetime().toMillis());
    this.maxSessions = Integer.toString(policy.maxSessionsPerUser());
    this.expireIndex = policy.expireIndex() ? YES : NO;
    FeatureCounters counters = runtime.counters();
    this.created = counters.counter("cloutsy.redis.sessions.created");
    this.revoked = counters.counter("cloutsy.redis.sessions.revoked", "reason", "revoke");
    this.revokedAll = counters.counter("cloutsy.redis.sessions.revoked", "reason", "revoke_all");
    this.revokedOthers = counters.counter("cloutsy.redis.sessions.revoked", "reason", "revoke_others");
    this.evicted = counters.counter("cloutsy.redis.sessions.revoked", "reason", "evicted");
    this.oversized = counters.counter("cloutsy.redis.sessions.index.oversized");
    if (policy.maxSessionsPerUser() == 0) {
      log.warn("Sessions per user are not limited (maxSessionsPerUser 0): an index over {} entries is kept in"
          + " bounded steps, not atomically; see SessionPolicy#maxSessionsPerUser",
          2 * SessionPolicy.MAX_SESSIONS_PER_USER);
    }
  }

  /** A store on {@code redis} with {@link SessionPolicy#defaults()}. */
  public static SessionStore create(RedisService redis) {
    return create(redis, SessionPolicy.defaults());
  }

  /**
   * A store on {@code redis} with {@code policy}. Every time it reads or writes comes from the Redis server (TIME in
   * the scripts, PTTL for remaining lifetimes), none from this process's clock.
   */
  public static SessionStore create(RedisService redis, SessionPolicy policy) {
    return new SessionStore(redis, policy);
  }

  /**
   * A new random jti: 128 bits from {@link SecureRandom}, base64url without padding (22 characters, all of them
   * safe in keys). Thread-safe.
   */
  public static String newJti() {
    byte[] bits = new byte[JTI_BYTES];
    JTI_RANDOM.nextBytes(bits);
    return JTI_ENCODING.encodeToString(bits);
  }

  /** The policy this store follows. */
  public SessionPolicy policy() {
    return policy;
  }

  // ---- create ----

  /**
   * Stores a new session for {@code userId} under {@code jti} with the policy's TTL (at most its absolute
   * lifetime) and absolute lifetime, adds it
   * to the user's index and, when the user is at {@link SessionPolicy#maxSessionsPerUser()}, ends the oldest
   * sessions to make room. One script: atomic, one round trip (and a WAIT with durability on).
   *
   * <p>The stage fails with {@link IllegalArgumentException} if {@code jti} already names a live session of this
   * user (nothing is changed): a jti identifies one login, and replacing a live session would silently swap its
   * device and restart its absolute lifetime; with {@link RedisUnavailableException} if Redis cannot be asked; with
   * its {@link UnconfirmedWriteException} when durability is on and the replicas did not confirm in time, after the
   * new session was ended again (see the class description).
   *
   * @throws IllegalArgumentException if an id is empty, too long or not valid Unicode
   * @throws com.cloutsy.redis.ValueTooLargeException if the stored value would exceed
   *     {@link com.cloutsy.redis.config.RedisSettings#maxValueBytes()}; nothing is written
   * @throws NullPointerException if an argument is null
   */
  public CompletionStage<SessionCreated> createAsync(String userId, String jti, Device device) {
    Objects.requireNonNull(device, "device must not be null");
    String key = keys.session(userId, jti);
    String value = format.write(userId, jti, device);
    runtime.checkValueSize("session value", value.getBytes(StandardCharsets.UTF_8).length);
    CompletionStage<Reply> reply = writeScript(userId, CREATE, new String[] {key, keys.sessionIndex(userId)}, jti,
        value, ttlMillis, lifetimeMillis, maxSessions, keys.sessionPrefix(userId), expireIndex);
    return reply.thenCompose(result -> {
      SessionCreated stored = stored(userId, jti, device, result);
      if (!durability.isEnabled()) {
        created.increment();
        return CompletableFuture.completedFuture(stored);
      }
      return runtime.awaitReplicas(keys.sessionIndex(userId)).handle((ok, failure) -> {
        if (failure == null) {
          created.increment();
          return CompletableFuture.completedFuture(stored);
        }
        return this.<SessionCreated>endUnconfirmed(userId, jti, failure);
      }).thenCompose(stage -> stage);
    });
  }

  /** Blocking {@link #createAsync(String, String, Device)}. */
  public SessionCreated create(String userId, String jti, Device device) {
    return runtime.await(createAsync(userId, jti, device));
  }

  /** {@link #createAsync(String, String, Device)} with a jti from {@link #newJti()}. */
  public CompletionStage<SessionCreated> createAsync(String userId, Device device) {
    return createAsync(userId, newJti(), device);
  }

  /** Blocking {@link #createAsync(String, Device)}: creates a session under a new random jti. */
  public SessionCreated create(String userId, Device device) {
    return runtime.await(createAsync(userId, device));
  }

  /** What the create script stored; counts the evictions, which happened whatever becomes of the new session. */
  private SessionCreated stored(String userId, String jti, Device device, Reply reply) {
    if (reply.integer(0) == 0) {
      throw new IllegalArgumentException("jti already names a live session of user " + userId);
    }
    Instant now = Instant.ofEpochMilli(reply.integer(1));
    if (reply.integer(2) == 0) {
      oversized.increment();
    }
    List<String> gone = new ArrayList<>();
    for (int i = 3; i < reply.size(); i++) {
      gone.add(Objects.requireNonNull(reply.text(i), "an evicted jti"));
    }
    evicted.add(gone.size());
    Session session = new Session(jti, device.deviceId(), device.userAgent(), device.userType(), now, now,
        initialTtl, device.attributes());
    return new SessionCreated(session, gone);
  }

  // ---- get ----

  /**
   * The session, or empty if there is none (never created, expired or revoked). GET and PTTL in one round trip:
   * the remaining TTL is the server's, so this process's clock cannot change it.
   *
   * <p>The stage fails with {@link RedisUnavailableException} if Redis cannot be asked (fail closed: never an empty
   * or a stale answer), with {@link SessionCorruptedException} if the value cannot be interpreted.
   *
   * @throws IllegalArgumentException if an id is empty, too long or not valid Unicode
   * @throws NullPointerException if an argument is null
   */
  public CompletionStage<Optional<Session>> getAsync(String userId, String jti) {
    String key = keys.session(userId, jti);
    // Sent before the GET's reply is in: the two share one round trip.
    CompletionStage<String> read = runtime.read(commands -> commands.get(key));
    CompletableFuture<Long> ttl = runtime.read(commands -> commands.pttl(key)).toCompletableFuture();
    return read
        .exceptionallyCompose(failure -> CompletableFuture.failedStage(wrongTypeAsCorrupted(key, failure)))
        .thenCombine(ttl, (value, left) -> {
          if (value == null || left == -2) {
            return Optional.<Session>empty();
          }
          SessionFormat.Stored stored = format.read(key, userId, jti, value);
          return Optional.of(stored.toSession(jti, left == -1 ? NO_EXPIRY : Duration.ofMillis(left)));
        });
  }

  /** Blocking {@link #getAsync}. */
  public Optional<Session> get(String userId, String jti) {
    return runtime.await(getAsync(userId, jti));
  }

  // ---- touch ----

  /**
   * Records activity: sets {@code lastSeenAt} to now and the remaining lifetime to the policy's idle timeout,
   * never past the session's absolute lifetime; returns the updated session, or empty if there is none. A session
   * whose absolute lifetime has passed (possible only for one written by the seed's code, whose cap is counted from
   * {@code createdAt}) is ended and reported empty. Fields the store does not know, written by another service,
   * are kept byte for byte. Index entries whose session has expired are removed on the way. One script: atomic, one
   * round trip; never a WAIT, whatever the durability (see the class comment).
   *
   * <p>The stage fails with {@link RedisUnavailableException} if Redis cannot be asked, with
   * {@link SessionCorruptedException} if the value cannot be interpreted (it is then left as it is).
   *
   * @throws IllegalArgumentException if an id is empty, too long or not valid Unicode
   * @throws NullPointerException if an argument is null
   */
  public CompletionStage<Optional<Session>> touchAsync(String userId, String jti) {
    String key = keys.session(userId, jti);
    CompletionStage<Reply> reply = indexScript(userId, TOUCH, new String[] {key, keys.sessionIndex(userId)}, jti,
        idleMillis, lifetimeMillis, expireIndex, keys.sessionPrefix(userId));
    return reply.thenApply(result -> {
      long status = result.integer(0);
      if (status == 2) {
        throw new SessionCorruptedException(key, "is not a JSON object with an ISO-8601 createdAt");
      }
      if (status != 1) {
        return Optional.empty();
      }
      SessionFormat.Stored stored = format.read(key, userId, jti, Objects.requireNonNull(result.text(1), "value"));
      return Optional.of(stored.toSession(jti, Duration.ofMillis(result.integer(2))));
    });
  }

  /** Blocking {@link #touchAsync}. */
  public Optional<Session> touch(String userId, String jti) {
    return runtime.await(touchAsync(userId, jti));
  }

  // ---- list and count ----

  /**
   * The user's live sessions, oldest first (by {@code createdAt}, then jti), each with its device, times and the
   * remaining TTL from the server. Index entries whose session has expired are removed on the way. One script:
   * atomic, one round trip.
   *
   * <p>The stage fails with {@link RedisUnavailableException} if Redis cannot be asked, with
   * {@link SessionCorruptedException} if one of the values cannot be interpreted (naming its key, so it can be
   * revoked).
   *
   * @throws IllegalArgumentException if the id is empty, too long or not valid Unicode
   * @throws NullPointerException if the id is null
   */
  public CompletionStage<List<Session>> listAsync(String userId) {
    return index.list(userId).stage();
  }

  /** Blocking {@link #listAsync}. */
  public List<Session> list(String userId) {
    return index.list(userId).await(runtime);
  }

  /**
   * How many live sessions the user has, after removing index entries whose session has expired. One script:
   * atomic, one round trip; values are not read, so a corrupted one still counts.
   *
   * @throws IllegalArgumentException if the id is empty, too long or not valid Unicode
   * @throws NullPointerException if the id is null
   */
  public CompletionStage<Long> countAsync(String userId) {
    return index.count(userId).stage();
  }

  /** Blocking {@link #countAsync}. */
  public long count(String userId) {
    return index.count(userId).await(runtime);
  }

  // ---- revoke ----

  /**
   * Ends one session at once: deletes its value and its index entry (pruning expired entries on the way). One
   * script: atomic, one round trip (and a WAIT with durability on). Idempotent: after an
   * {@link UnconfirmedWriteException}, calling it again waits for the replicas once more.
   *
   * @return whether the session existed
   * @throws IllegalArgumentException if an id is empty, too long or not valid Unicode
   * @throws NullPointerException if an argument is null
   */
  public CompletionStage<Boolean> revokeAsync(String userId, String jti) {
    CompletionStage<Long> reply = writeScript(userId, REVOKE,
        new String[] {keys.session(userId, jti), keys.sessionIndex(userId)}, jti, keys.sessionPrefix(userId),
        expireIndex).thenApply(result -> result.integer(0));
    return reply.thenCompose(existed -> {
      revoked.add(existed);
      // Confirmed even when nothing existed: WAIT then also covers an earlier revocation whose confirmation failed.
      return confirmed(userId, existed == 1, "Revoking a session", REVOKE_AGAIN);
    });
  }

  /** Blocking {@link #revokeAsync}. */
  public boolean revoke(String userId, String jti) {
    return runtime.await(revokeAsync(userId, jti));
  }

  /**
   * Ends every session of the user at once ("log out everywhere") and deletes the index. One script: atomic, one
   * round trip (and a WAIT with durability on, whose shortfall fails the stage with
   * {@link UnconfirmedWriteException}). A session missing from the index (which only a writer outside this store can
   * cause) survives.
   *
   * @return how many live sessions were ended
   * @throws IllegalArgumentException if the id is empty, too long or not valid Unicode
   * @throws NullPointerException if the id is null
   */
  public CompletionStage<Long> revokeAllAsync(String userId) {
    return endedAll(userId, index.endAll(userId, "").stage(), revokedAll, "Revoking every session");
  }

  /** Blocking {@link #revokeAllAsync}. */
  public long revokeAll(String userId) {
    IndexCall<Long> call = index.endAll(userId, "");
    call.await(runtime);
    return runtime.await(endedAll(userId, call.stage(), revokedAll, "Revoking every session"));
  }

  /**
   * Ends every session of the user except {@code jti} ("log out my other devices", or after a password change).
   * The kept session stays indexed; if it does not exist, all are ended. One script: atomic, one round trip (and a
   * WAIT with durability on, whose shortfall fails the stage with {@link UnconfirmedWriteException}).
   *
   * @return how many live sessions were ended
   * @throws IllegalArgumentException if an id is empty, too long or not valid Unicode
   * @throws NullPointerException if an argument is null
   */
  public CompletionStage<Long> revokeAllExceptAsync(String userId, String jti) {
    Keys.encode(jti, "jti");
    return endedAll(userId, index.endAll(userId, jti).stage(), revokedOthers, "Revoking the other sessions");
  }

  /** Blocking {@link #revokeAllExceptAsync}. */
  public long revokeAllExcept(String userId, String jti) {
    Keys.encode(jti, "jti");
    IndexCall<Long> call = index.endAll(userId, jti);
    call.await(runtime);
    return runtime.await(endedAll(userId, call.stage(), revokedOthers, "Revoking the other sessions"));
  }

  // ---- maintenance ----

  /**
   * Cleans the user's index in bounded steps, however large it is: drops every entry whose session is gone and,
   * with a {@link SessionPolicy#maxSessionsPerUser() limit}, ends the oldest live sessions beyond it (counted as
   * evicted). For an index another writer let grow (the seed's code never prunes it): the other flows handle an
   * index of up to twice {@link SessionPolicy#MAX_SESSIONS_PER_USER} entries whole, and a larger one in steps that are
   * not atomic and evict nothing, until this call (or the ops page's action) brings it back. Each command does
   * about 128 entries' work, so the server never blocks for long; the call takes as many
   * commands as the index has entries over that, and its blocking form waits as long as they keep answering.
   * Sessions created while it runs are kept.
   *
   * @throws IllegalArgumentException if the id is empty, too long or not valid Unicode
   * @throws NullPointerException if the id is null
   */
  public CompletionStage<IndexCleanup> cleanIndexAsync(String userId) {
    return index.clean(userId).stage()
        .thenCompose(cleaning -> index.evict(userId, cleaning, policy.maxSessionsPerUser()).stage())
        .thenApply(this::counted);
  }

  /** Blocking {@link #cleanIndexAsync}. */
  public IndexCleanup cleanIndex(String userId) {
    SessionIndex.Cleaning cleaning = index.clean(userId).await(runtime);
    return counted(index.evict(userId, cleaning, policy.maxSessionsPerUser()).await(runtime));
  }

  private IndexCleanup counted(IndexCleanup done) {
    evicted.add(done.evicted());
    return done;
  }

  @Override
  public String toString() {
    return "SessionStore[" + keys + ", " + policy + "]";
  }

  /**
   * Counts the sessions an end-all call ended under {@code reason}, then confirms them with the replicas as
   * {@link #confirmed} does.
   */
  private CompletionStage<Long> endedAll(String userId, CompletionStage<Long> ended, FeatureCounters.Counter reason,
      String what) {
    return ended.thenCompose(count -> {
      reason.add(count);
      return confirmed(userId, count, what, REVOKE_AGAIN);
    });
  }

  /**
   * Runs a script over the user's index. A key of the wrong Redis type there (a string where the SET should be, a
   * hash where a session value should be) fails the script; the caller sees which user's data is corrupted.
   */
  private CompletionStage<Reply> indexScript(String userId, LuaScript script, String[] keys, String... args) {
    return wrongTypeAsCorrupted(userId, runtime.run(script, keys, args));
  }

  /**
   * Runs a script that writes a session on the durable connection, because the WAIT that confirms it must follow it
   * on the connection that carried it (with durability off, that is the shared connection).
   */
  private CompletionStage<Reply> writeScript(String userId, LuaScript script, String[] keys, String... args) {
    return wrongTypeAsCorrupted(userId, runtime.runDurable(script, keys, args));
  }

  /**
   * {@code result} once the replicas confirmed this connection's writes to the user's slot; at once when durability
   * is off. A shortfall becomes an {@link UnconfirmedWriteException} that says what was done and what a failover
   * would do to it; failing to ask stays the {@link RedisUnavailableException} it is.
   */
  private <T> CompletionStage<T> confirmed(String userId, T result, String what, String risk) {
    if (!durability.isEnabled()) {
      return CompletableFuture.completedFuture(result);
    }
    return runtime.awaitReplicas(keys.sessionIndex(userId)).handle((ok, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(result);
      }
      Throwable error = ServerError.unwrap(failure);
      return CompletableFuture.<T>failedFuture(error instanceof UnconfirmedWriteException shortfall
          ? new UnconfirmedWriteException(what + " of user " + userId + " is done on the master, but "
              + confirmedBy(shortfall) + ": " + risk, shortfall.confirmedReplicas(), shortfall.requiredReplicas(),
              shortfall)
          : error);
    }).thenCompose(stage -> stage);
  }

  /**
   * Ends a new session that the replicas did not confirm, so that a caller who was told it failed never finds it
   * later (in {@link #list}, or counting towards the limit), then fails with what happened.
   */
  private <T> CompletionStage<T> endUnconfirmed(String userId, String jti, Throwable failure) {
    Throwable error = ServerError.unwrap(failure);
    CompletionStage<Reply> ended;
    try {
      ended = writeScript(userId, REVOKE, new String[] {keys.session(userId, jti), keys.sessionIndex(userId)}, jti,
          keys.sessionPrefix(userId), expireIndex);
    } catch (RuntimeException refused) {
      ended = CompletableFuture.failedFuture(refused);
    }
    return ended.handle((existed, notEnded) -> {
      if (!(error instanceof UnconfirmedWriteException shortfall)) {
        // The confirmation could not even be asked for: the outcome is unknown, as for any RedisUnavailableException.
        return CompletableFuture.<T>failedFuture(error);
      }
      String fate = notEnded == null
          ? "it has been ended again, so its jti is not valid (sessions it evicted to make room stay ended)"
          : "ending it again failed too (" + ServerError.unwrap(notEnded).getMessage() + "), so it stays on the"
              + " master until its TTL ends";
      return CompletableFuture.<T>failedFuture(new UnconfirmedWriteException("The new session of user " + userId
          + " was not created: " + confirmedBy(shortfall) + "; " + fate + ". Log in again once a replica is"
          + " connected", shortfall.confirmedReplicas(), shortfall.requiredReplicas(), shortfall));
    }).thenCompose(stage -> stage);
  }

  private String confirmedBy(UnconfirmedWriteException shortfall) {
    return "only " + shortfall.confirmedReplicas() + " of " + shortfall.requiredReplicas()
        + " replicas confirmed it within " + durability.timeout().toMillis()
        + " ms (REDIS_WAIT_REPLICAS, REDIS_WAIT_TIMEOUT_MS)";
  }

  /** {@code reply}, with a key of the wrong type in the user's data reported as corruption of the index. */
  private CompletionStage<Reply> wrongTypeAsCorrupted(String userId, CompletionStage<Reply> reply) {
    String index = keys.sessionIndex(userId);
    return reply.exceptionallyCompose(failure -> CompletableFuture.failedStage(isWrongType(failure)
        ? new SessionCorruptedException(index, "or one of this user's session keys holds the wrong Redis type"
            + " (the index must be a SET of jtis, each session a string)")
        : failure));
  }

  private static Throwable wrongTypeAsCorrupted(String key, Throwable failure) {
    return isWrongType(failure) ? new SessionCorruptedException(key, "is not a string") : failure;
  }

  private static boolean isWrongType(Throwable failure) {
    return ServerError.of(failure).filter(ServerError.WRONGTYPE::equals).isPresent();
  }
}
