package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import io.lettuce.core.RedisException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

@WithRedis
class RedisRuntimeTest {

  private static final RedisException REFUSED = new RedisException("Currently not connected. Commands are rejected.");

  @Test
  void aCommandLettuceRefusesAtOnceFailsItsStageAsUnavailable(RedisEndpoint endpoint) {
    try (RedisService redis = TestRedis.start(endpoint)) {
      RedisRuntime runtime = redis.runtime();

      CompletionStage<String> shared = runtime.send(commands -> {
        throw REFUSED;
      });
      CompletionStage<String> own = runtime.send(runtime.commands(), commands -> {
        throw REFUSED;
      });

      assertThat(causeOf(shared)).isInstanceOf(RedisUnavailableException.class).hasCause(REFUSED);
      assertThat(causeOf(own)).isInstanceOf(RedisUnavailableException.class).hasCause(REFUSED);
    }
  }

  private static Throwable causeOf(CompletionStage<?> stage) {
    CompletableFuture<?> future = stage.toCompletableFuture();
    assertThat(future).isCompletedExceptionally();
    try {
      future.get();
      throw new AssertionError("the stage did not fail");
    } catch (ExecutionException failed) {
      return failed.getCause();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new AssertionError(interrupted);
    }
  }
}
