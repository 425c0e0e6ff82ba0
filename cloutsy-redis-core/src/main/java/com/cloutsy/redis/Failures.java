package com.cloutsy.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Sorts Lettuce's failures into "Redis could not be asked" ({@link RedisUnavailableException}), "Redis refused our
 * credentials or rights" ({@link RedisMisconfigurationException}), and everything else (a wrong-type key, a script
 * error), which is a bug in the caller and is passed through unchanged.
 *
 * <p>A reconnect that the server refuses (a password changed under a running service) leaves commands failing only
 * with Lettuce's "disconnected"; {@link #reconnectFailed} keeps the refusal so that those failures say what it was.
 */
final class Failures {

  /** Error replies that mean the server cannot serve us right now, not that the command was wrong. */
  private static final List<String> UNAVAILABLE_REPLIES = List.of(
      "LOADING", "BUSY", "MASTERDOWN", "READONLY", "CLUSTERDOWN", "TRYAGAIN", "OOM", "NOREPLICAS");

  /** Error replies about the user's rights or credentials: the message names the user, as the server's does not. */
  private static final List<String> ACCESS_REPLIES = List.of("NOPERM", "WRONGPASS", "NOAUTH");

  private final String endpoint;
  private final String user;
  private final String credentials;
  private final AtomicReference<@Nullable String> refusedReconnect = new AtomicReference<>();

  /**
   * {@code user} is the ACL user the connection authenticates as, {@code default} when none is named;
   * {@code credentials} names the settings that hold its credentials.
   */
  Failures(String endpoint, String user, String credentials) {
    this.endpoint = endpoint;
    this.user = user;
    this.credentials = credentials;
  }

  /** The exception a caller should see for this failure of a Lettuce future. */
  RuntimeException translate(Throwable failure) {
    Throwable error = unwrap(failure);
    if (error instanceof RedisUnavailableException || error instanceof RedisMisconfigurationException) {
      return (RuntimeException) error;
    }
    String message = String.valueOf(error.getMessage());
    String reply = reply(message);
    if (error instanceof RedisCommandExecutionException && ACCESS_REPLIES.stream().anyMatch(reply::startsWith)) {
      return new RedisMisconfigurationException("Redis at " + endpoint + " refused ACL user \"" + user + "\": "
          + message, error);
    }
    String refusal = refusedReconnect.get();
    if (refusal != null && error instanceof RedisException && !(error instanceof RedisCommandExecutionException)) {
      return new RedisMisconfigurationException("Redis at " + endpoint + " refused the credentials of user \"" + user
          + "\" when reconnecting (" + refusal + "); check " + credentials, error);
    }
    if (isUnavailable(error)) {
      return new RedisUnavailableException("Redis at " + endpoint + " is unavailable: " + message, error);
    }
    return error instanceof RuntimeException runtime ? runtime : new CompletionException(error);
  }

  /**
   * Notes why the last reconnect failed: a refusal of the credentials is kept until {@link #reconnected()}, anything
   * else (the server is away) clears it.
   */
  void reconnectFailed(Throwable cause) {
    refusedReconnect.set(credentialRefusal(cause));
  }

  /** The connection is up again: failures are what they are. */
  void reconnected() {
    refusedReconnect.set(null);
  }

  /** The server's refusal of the credentials somewhere in {@code failure}'s causes ({@code WRONGPASS ...}), or null. */
  static @Nullable String credentialRefusal(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      String message = String.valueOf(cause.getMessage());
      if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH")
          || (message.startsWith("ERR") && message.contains("AUTH"))) {
        return message;
      }
    }
    return null;
  }

  /**
   * The server's error reply, also when a script's call failed: Redis 6.2 wraps it as {@code ERR Error running
   * script (call to f_...): @user_script:7: -OOM command not allowed ...}, so an out-of-memory refusal of a script
   * would otherwise look like a bug in the script.
   */
  static String reply(String message) {
    if (message.startsWith("ERR Error running script")) {
      int code = message.indexOf(": -");
      if (code >= 0) {
        return message.substring(code + 3);
      }
    }
    return message;
  }

  static Throwable unwrap(Throwable failure) {
    Throwable error = failure;
    while ((error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null) {
      error = error.getCause();
    }
    return error;
  }

  private static boolean isUnavailable(Throwable error) {
    if (error instanceof RedisCommandExecutionException executed) {
      String reply = reply(String.valueOf(executed.getMessage()));
      return UNAVAILABLE_REPLIES.stream().anyMatch(reply::startsWith);
    }
    return error instanceof RedisException || error instanceof IOException || error instanceof CancellationException;
  }
}
