package com.cloutsy.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
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

  private final String endpoint;
  private final String user;
  private final String credentials;
  private final Runnable onReadOnly;
  private final AtomicReference<@Nullable String> refusedReconnect = new AtomicReference<>();

  /**
   * {@code user} is the ACL user the connection authenticates as, {@code default} when none is named;
   * {@code credentials} names the settings that hold its credentials; {@code onReadOnly} runs for every READONLY
   * reply translated, so that the service looks for the master again.
   */
  Failures(String endpoint, String user, String credentials, Runnable onReadOnly) {
    this.endpoint = endpoint;
    this.user = user;
    this.credentials = credentials;
    this.onReadOnly = onReadOnly;
  }

  /** The exception a caller should see for this failure of a Lettuce future. */
  RuntimeException translate(Throwable failure) {
    Throwable error = ServerError.unwrap(failure);
    if (error instanceof RedisUnavailableException || error instanceof RedisMisconfigurationException) {
      return (RuntimeException) error;
    }
    String message = String.valueOf(error.getMessage());
    ServerError code = ServerError.of(error).orElse(null);
    ServerError.Meaning meaning = code == null ? null : code.meaning();
    if (code == ServerError.READONLY) {
      onReadOnly.run();
    }
    if (meaning == ServerError.Meaning.MISCONFIGURATION) {
      // The server's message does not say which user it refused; this one does.
      // Redis 6.2 words a script's ACL refusal without the code: name it, so NOPERM is what an operator searches for.
      String named = code == ServerError.NOPERM && !message.startsWith("NOPERM") ? "NOPERM " : "";
      return new RedisMisconfigurationException("Redis at " + endpoint + " refused ACL user \"" + user + "\": "
          + named + message, error);
    }
    String refusal = refusedReconnect.get();
    if (refusal != null && error instanceof RedisException && !(error instanceof RedisCommandExecutionException)) {
      return new RedisMisconfigurationException("Redis at " + endpoint + " refused the credentials of user \"" + user
          + "\" when reconnecting (" + refusal + "); check " + credentials, error);
    }
    boolean lost = !(error instanceof RedisCommandExecutionException) && (error instanceof RedisException
        || error instanceof IOException || error instanceof CancellationException);
    if (meaning == ServerError.Meaning.OUTAGE || meaning == ServerError.Meaning.RETRY || lost) {
      return new RedisUnavailableException("Redis at " + endpoint + " is unavailable: " + message, error);
    }
    return error instanceof RuntimeException runtime ? runtime : new CompletionException(error);
  }

  /**
   * Notes why the last reconnect failed: a refusal of the credentials is kept until {@link #reconnected()}, anything
   * else (the server is away) clears it.
   */
  void reconnectFailed(Throwable cause) {
    refusedReconnect.set(ServerError.credentialRefusal(cause).orElse(null));
  }

  /** The connection is up again: failures are what they are. */
  void reconnected() {
    refusedReconnect.set(null);
  }
}
