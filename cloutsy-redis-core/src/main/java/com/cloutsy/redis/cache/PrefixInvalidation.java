package com.cloutsy.redis.cache;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Deletes the keys that start with a prefix: SCAN with a MATCH pattern in bounded batches and UNLINK of each batch,
 * never KEYS. The prefix is matched literally, so it can never match more than its own keys.
 *
 * <p>Bound per command, whatever the keyspace holds: a SCAN visits about {@link #BATCH} buckets of the keyspace
 * (and gives up after ten times as many empty ones), so it returns about that many keys; an UNLINK removes what one
 * SCAN returned and frees large values off the server's main thread. The call as a whole takes a SCAN per
 * {@link #BATCH} keys of the database.
 */
final class PrefixInvalidation {

  static final int BATCH = 500;
  private static final String GLOB_SPECIALS = "*?[]\\";

  private final CacheConnection connection;
  private final Executor executor;
  private final int batch;

  PrefixInvalidation(CacheConnection connection, Executor executor) {
    this(connection, executor, BATCH);
  }

  /** For tests: SCAN's COUNT hint and so the size of each UNLINK. */
  PrefixInvalidation(CacheConnection connection, Executor executor, int batch) {
    this.connection = connection;
    this.executor = executor;
    this.batch = batch;
  }

  /** Deletes every key that starts with {@code prefix}; completes with how many were deleted. */
  CompletionStage<Long> unlinkAll(String prefix) {
    return scanAndUnlink(ScanCursor.INITIAL, ScanArgs.Builder.matches(escapeGlob(prefix) + "*").limit(batch), 0);
  }

  private CompletionStage<Long> scanAndUnlink(ScanCursor cursor, ScanArgs match, long unlinked) {
    return connection.scan(cursor, match).thenCompose((KeyScanCursor<String> page) -> {
      List<String> keys = page.getKeys();
      CompletionStage<Long> deleted = keys.isEmpty()
          ? CompletableFuture.completedFuture(0L)
          : connection.unlink(keys.toArray(new String[0]));
      // The next page is asked for on the executor, never on the I/O thread that completed this one: Lettuce's
      // cluster SCAN opens the connection to the next master with a blocking wait, which on that thread would wait
      // for itself.
      return deleted.thenComposeAsync(count -> page.isFinished()
          ? CompletableFuture.completedFuture(unlinked + count)
          : scanAndUnlink(page, match, unlinked + count), executor);
    });
  }

  /** Escapes the characters special in a Redis MATCH pattern, so {@code literal} matches only itself. */
  static String escapeGlob(String literal) {
    StringBuilder escaped = new StringBuilder(literal.length() + 8);
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (GLOB_SPECIALS.indexOf(c) >= 0) {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }
}
