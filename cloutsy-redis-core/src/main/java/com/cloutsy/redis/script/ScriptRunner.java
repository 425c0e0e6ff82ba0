package com.cloutsy.redis.script;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Runs {@link LuaScript}s on a shared connection: EVALSHA, and only when the server answers NOSCRIPT (its script
 * cache was emptied by a restart, a failover or SCRIPT FLUSH) the full EVAL, which also caches the script again.
 * One round trip in the normal case, two right after a flush. Thread-safe.
 *
 * <p>Obtain it from {@code RedisService.scripts()}. Failures arrive as the service maps them: connection trouble
 * and timeouts as {@code RedisUnavailableException}, script errors as Lettuce's
 * {@code RedisCommandExecutionException}. Where the server's message names a line of the script's built source
 * ({@code user_script:41}), the message names the file and line it came from instead ({@code session-library.lua:12});
 * an error the script returns with {@code redis.error_reply} carries no line, in Redis 6.2 and 7.x alike.
 */
public final class ScriptRunner {

  private final RedisClusterAsyncCommands<String, String> commands;
  private final Function<Throwable, RuntimeException> failures;

  /**
   * Creates a runner.
   *
   * @param commands the connection's asynchronous commands
   * @param failures turns a Lettuce failure into the exception callers should see
   */
  public ScriptRunner(
      RedisClusterAsyncCommands<String, String> commands, Function<Throwable, RuntimeException> failures) {
    this.commands = commands;
    this.failures = failures;
  }

  /**
   * Runs the script atomically on the server.
   *
   * @param script the script
   * @param type how Redis' reply is decoded (a Lua table arrives as {@code List<Object>} for MULTI)
   * @param keys the keys it touches, in the order its header comment gives; in cluster mode all in one slot
   * @param args its arguments
   * @param <T> the reply type that {@code type} produces
   * @return the decoded reply
   */
  public <T> CompletionStage<T> run(LuaScript script, ScriptOutputType type, String[] keys, String... args) {
    CompletionStage<T> evalsha = commands.evalsha(script.sha1(), type, keys, args);
    return evalsha.exceptionallyCompose(error -> isNoScript(error)
        ? commands.<T>eval(script.source(), type, keys, args)
        : CompletableFuture.failedStage(error))
        .exceptionallyCompose(error -> CompletableFuture.failedStage(failures.apply(located(script, error))));
  }

  /**
   * The script error with its lines named in the script's files. Only a plain script error: Lettuce's subclasses
   * (BUSY, LOADING, READONLY, NOSCRIPT) are the server's state, not a line of the script, and keep their type.
   */
  private static Throwable located(LuaScript script, Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause.getClass() != RedisCommandExecutionException.class) {
      return error;
    }
    String message = String.valueOf(cause.getMessage());
    String located = script.located(message);
    return located.equals(message) ? error : new RedisCommandExecutionException(located, cause);
  }

  private static boolean isNoScript(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause instanceof RedisNoScriptException;
  }
}
