package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

@RunsAs(LeastPrivilege.CACHE)
@WithRedis
class PrefixInvalidationTest {

  @Test
  void deletesEveryKeyOfThePrefixInBatchesAndNothingThatOnlyMatchesItAsAPattern(RedisEndpoint endpoint) {
    try (RedisService redis = TestRedis.start(endpoint);
        CacheConnection connection = CacheConnection.open(redis, "prefixes")) {
      // One hash tag, so the test's multi-key checks stay in one slot on a cluster.
      String prefix = redis.keyNames().prefix() + "cache:{p*" + UUID.randomUUID() + "}:";
      String lookalike = prefix.replace("p*", "px");
      RedisService admin = TestRedis.admin(redis);
      for (int i = 0; i < 35; i++) {
        admin.set(prefix + i, "v", Duration.ofMinutes(1));
      }
      admin.set(lookalike + "1", "v", Duration.ofMinutes(1));

      long deleted = redis.runtime().await(
          new PrefixInvalidation(connection, ForkJoinPool.commonPool(), 10).unlinkAll(prefix));

      assertThat(deleted).as("35 keys, over several batches of 10").isEqualTo(35);
      assertThat(admin.exists(prefix + "0", prefix + "34")).isZero();
      assertThat(admin.exists(lookalike + "1")).as("'*' in the prefix is matched literally").isEqualTo(1);
      admin.del(lookalike + "1");
    }
  }

  @Test
  void escapesEveryGlobSpecial() {
    assertThat(PrefixInvalidation.escapeGlob("a*b?c[d]e\\f")).isEqualTo("a\\*b\\?c\\[d\\]e\\\\f");
    assertThat(PrefixInvalidation.escapeGlob("cache:users:")).isEqualTo("cache:users:");
  }
}
