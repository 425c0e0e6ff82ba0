package com.cloutsy.redis;

import io.lettuce.core.RedisCommandExecutionException;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one table of the server's error replies this library tells apart, by their prefix (as Lettuce's
 * {@code ExceptionFactory} does for the few it knows), each with what it means for a caller: an outage to wait out,
 * a misconfiguration to fix, or a bug in the command. {@code RedisService} (start-up and every call), the health
 * check and the capabilities read errors through it and nowhere else.
 *
 * <p>Part of this library's service-provider interface, with {@link RedisRuntime}: applications see the exceptions
 * it leads to ({@link RedisUnavailableException}, {@link RedisMisconfigurationException}), not this table.
 */
public enum ServerError {

  /** The script is not in the server's script cache (restart, failover, {@code SCRIPT FLUSH}): send it again. */
  NOSCRIPT(Meaning.RESEND),
  /** The ACL user may not run the command or touch the key. */
  NOPERM(Meaning.MISCONFIGURATION),
  /** The user name or password was refused. */
  WRONGPASS(Meaning.MISCONFIGURATION),
  /** The server wants a password and none was given. */
  NOAUTH(Meaning.MISCONFIGURATION),
  /**
   * A password refused by a server before 6.0, or given to a server that has none ({@code ERR invalid password},
   * {@code ERR Client sent AUTH, but no password is set}); matched on {@code ERR} with {@code AUTH} or
   * {@code password} in the text.
   */
  AUTH_REFUSED(Meaning.MISCONFIGURATION),
  /**
   * The server is a replica, or a demoted master: writes are refused. The service then reconnects, which asks the
   * sentinels for the master again.
   */
  READONLY(Meaning.OUTAGE),
  /** The server is loading its data set after a restart. */
  LOADING(Meaning.OUTAGE),
  /** Used memory is above {@code maxmemory} and nothing can be evicted. */
  OOM(Meaning.OUTAGE),
  /** A script or function runs too long and blocks the server. */
  BUSY(Meaning.OUTAGE),
  /** The last RDB or AOF write failed, so writes are refused. */
  MISCONF(Meaning.OUTAGE),
  /** A replica lost its master (with {@code replica-serve-stale-data no}). */
  MASTERDOWN(Meaning.OUTAGE),
  /** Redis Cluster is not serving the slot. */
  CLUSTERDOWN(Meaning.OUTAGE),
  /**
   * A multi-key command or script met a slot being migrated while its keys were split between the two nodes: it did
   * not run, and can once the rest of its keys have moved.
   */
  TRYAGAIN(Meaning.RETRY),
  /**
   * Another node serves the key's slot. Lettuce follows the redirect itself and refreshes its topology; this reaches
   * the table only when its redirect limit ran out while the slot moved back and forth, and the command did not run.
   */
  MOVED(Meaning.RETRY),
  /** The key's slot is being migrated and the key is on the importing node; as {@link #MOVED}, followed by Lettuce. */
  ASK(Meaning.RETRY),
  /**
   * A script read a key it did not declare while that key's slot was being migrated and the key had already moved
   * ({@code Lua script attempted to access a non local key in a cluster node}; matched on that text). The script
   * stopped at that read. This project's session scripts, which read the user's other sessions, catch it and answer
   * {@link #TRYAGAIN} before writing anything (session-library.lua), so it reaches the table only from a script
   * that does not; it is retried like {@link #TRYAGAIN}, which is safe for a script that reads before it writes.
   */
  NON_LOCAL_KEY(Meaning.RETRY),
  /** Fewer replicas than {@code min-replicas-to-write} are connected. */
  NOREPLICAS(Meaning.OUTAGE),
  /** The key holds another type than the command expects: data another program wrote, or a bug. */
  WRONGTYPE(Meaning.BUG);

  /** What an error reply means for a caller. */
  public enum Meaning {
    /** The server cannot serve now; the outcome of a write that failed so is unknown. */
    OUTAGE,
    /** The credentials or the ACL are wrong; nothing changes until an operator fixes them. */
    MISCONFIGURATION,
    /** The command or the data is wrong. */
    BUG,
    /** Send the command again in another form (EVAL for EVALSHA). */
    RESEND,
    /**
     * The command did not run because the cluster is moving its slot: send it again after a short pause, within the
     * command timeout; an outage once that is spent.
     */
    RETRY
  }

  /**
   * Where the server's own error starts in a script error of Redis 6.2: after the script's line number, which 6.2
   * may repeat ({@code @user_script:132: @user_script: 132: -OOM ...}).
   */
  private static final Pattern SCRIPT_ERROR = Pattern.compile("(?:@user_script: ?\\d+: )+-?");
  /**
   * How Redis 6.2 and 7.0 word an ACL refusal of a script's call (a command, a key or a channel): without the NOPERM
   * code, inside the script error on 6.2, after {@code ERR} on 7.0.
   */
  private static final String SCRIPT_ACL_REFUSAL = "The user executing the script can't ";

  private final Meaning meaning;

  ServerError(Meaning meaning) {
    this.meaning = meaning;
  }

  /** What this error means for a caller. */
  public Meaning meaning() {
    return meaning;
  }

  /**
   * The error of a server's reply text, also when a script's call failed: Redis 6.2 wraps it as {@code ERR Error
   * running script (call to f_...): @user_script:7: -OOM command not allowed ...} (or without the {@code -}, or with
   * the position twice), so an
   * out-of-memory refusal of a script would otherwise look like a bug in the script; Redis 7 starts with the code.
   * An ACL refusal inside a script, which 6.2 and 7.0 word without a code ({@code The user executing the script
   * can't run this command or subcommand}), is {@link #NOPERM}.
   */
  public static Optional<ServerError> of(String reply) {
    String text = reply;
    if (text.startsWith("ERR Error running script")) {
      Matcher wrapped = SCRIPT_ERROR.matcher(text);
      if (wrapped.find()) {
        text = text.substring(wrapped.end());
      }
    }
    if (text.startsWith(SCRIPT_ACL_REFUSAL) || text.startsWith("ERR " + SCRIPT_ACL_REFUSAL)) {
      return Optional.of(NOPERM);
    }
    for (ServerError error : values()) {
      if (error != AUTH_REFUSED && error != NON_LOCAL_KEY && text.startsWith(error.name())) {
        return Optional.of(error);
      }
    }
    if (text.contains("attempted to access a non local key")) {
      return Optional.of(NON_LOCAL_KEY);
    }
    boolean authRefused = text.startsWith("ERR") && (text.contains("AUTH") || text.contains("password"));
    return authRefused ? Optional.of(AUTH_REFUSED) : Optional.empty();
  }

  /**
   * The error of the server's reply that {@code failure} carries, looking through the wrappers of a completed
   * stage; empty when the failure is not a server's error reply (a lost connection, a timeout).
   */
  public static Optional<ServerError> of(Throwable failure) {
    Throwable error = unwrap(failure);
    return error instanceof RedisCommandExecutionException reply
        ? of(String.valueOf(reply.getMessage()))
        : Optional.empty();
  }

  /**
   * The first error reply about credentials in {@code failure} or its causes (a connect that failed because AUTH
   * or HELLO was refused), as the server wrote it; empty when there is none.
   */
  public static Optional<String> credentialRefusal(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      String message = String.valueOf(cause.getMessage());
      Optional<ServerError> error = of(message);
      if (error.isPresent() && error.get() != NOPERM && error.get().meaning() == Meaning.MISCONFIGURATION) {
        return Optional.of(message);
      }
    }
    return Optional.empty();
  }

  /** {@code failure} without a completed stage's wrappers ({@code CompletionException}, {@code ExecutionException}). */
  public static Throwable unwrap(Throwable failure) {
    Throwable error = failure;
    while ((error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null) {
      error = error.getCause();
    }
    return error;
  }
}
