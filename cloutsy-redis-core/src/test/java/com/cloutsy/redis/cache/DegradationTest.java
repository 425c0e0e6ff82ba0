package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloutsy.redis.FeatureCounters;
import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.ValueTooLargeException;
import com.cloutsy.redis.codec.CodecException;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

@RunsAs(LeastPrivilege.CACHE)
@WithRedis
class DegradationTest {

  private static final RedisUnavailableException DOWN =
      new RedisUnavailableException("down", new IllegalStateException("connection refused"));

  @Test
  void anOutageDegradesAndIsCountedWrappedOrNotAnythingElseIsNot(RedisEndpoint endpoint) {
    try (RedisService redis = TestRedis.start(endpoint)) {
      FeatureCounters counters = redis.runtime().counters();
      String name = "degradation-" + TestRedis.freshPrefix();
      Degradation degradation = new Degradation(name, counters);
      FeatureCounters.Counter degraded = counters.counter("cloutsy.redis.cache.degraded", "cache", name);

      assertThat(degradation.degradesOn(new CompletionException(new ExecutionException(DOWN)))).isTrue();
      assertThat(degradation.degradesOn(new IllegalStateException("WRONGTYPE"))).isFalse();
      degradation.storeFailed(DOWN);
      degradation.storeFailed(new ValueTooLargeException("entry is too large"));

      assertThat(degraded.count()).as("two outages, not the bug nor the oversized value").isEqualTo(2);
    }
  }

  @Test
  void aStoreFailureThatMeansABugReachesTheCallerUnwrapped(RedisEndpoint endpoint) {
    try (RedisService redis = TestRedis.start(endpoint)) {
      Degradation degradation = new Degradation("bugs", redis.runtime().counters());
      CodecException bug = new CodecException("cannot encode", new IllegalArgumentException());

      assertThatThrownBy(() -> degradation.storeFailed(new CompletionException(bug))).isSameAs(bug);
      assertThat(Degradation.rethrown(new Exception("checked"))).isInstanceOf(CompletionException.class);
    }
  }

  @Test
  void aCorruptEntryIsCounted(RedisEndpoint endpoint) {
    try (RedisService redis = TestRedis.start(endpoint)) {
      String name = "corrupt-" + TestRedis.freshPrefix();
      Degradation degradation = new Degradation(name, redis.runtime().counters());

      degradation.countCorrupt(new CodecException("not an entry", new IllegalArgumentException()));

      assertThat(redis.runtime().counters().counter("cloutsy.redis.cache.corrupt", "cache", name).count())
          .isEqualTo(1);
    }
  }
}
