package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

@RunsAs(LeastPrivilege.CACHE)
@WithRedis
class CacheConnectionTest {

  @Test
  void bytesThatAreNotTextTravelUnchangedWithTheirTtl(RedisEndpoint endpoint) {
    try (RedisService redis = TestRedis.start(endpoint);
        CacheConnection connection = CacheConnection.open(redis, "bytes")) {
      String key = redis.keyNames().cache("bytes", UUID.randomUUID().toString());
      byte[] entry = {0, (byte) 0xff, (byte) 0xc3, 0x28, 1};

      redis.runtime().await(connection.set(key, entry, 60_000));

      assertThat(redis.runtime().await(connection.get(key))).isEqualTo(entry);
      assertThat(TestRedis.syncAt(redis, key).pttl(key)).isBetween(1L, 60_000L);
      assertThat(redis.runtime().await(connection.unlink(key))).isEqualTo(1);
      assertThat(redis.runtime().await(connection.get(key))).isNull();
    }
  }

  @Test
  void aCommandOnAClosedConnectionFailsItsStageInsteadOfThrowing(RedisEndpoint endpoint) {
    try (RedisService redis = TestRedis.start(endpoint)) {
      CacheConnection connection = CacheConnection.open(redis, "closed");
      connection.close();

      CompletionStage<byte[]> read = connection.get(redis.keyNames().cache("closed", "1"));

      assertThat(read.toCompletableFuture()).isCompletedExceptionally();
    }
  }
}
