package com.cloutsy.redis.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The login guard never allows an attempt it could not check, and works again when Redis is back. */
@WithRedis
class LoginGuardFailClosedTest {

  @Test
  void checksFailClosedWhileRedisIsDownAndWorkAgainAfterwards(EmbeddedRedis server) {
    RedisSettings settings = RedisSettings.builder().url(server.uri()).commandTimeout(Duration.ofMillis(500)).build();
    try (RedisService redis = RedisService.start(settings)) {
      LoginGuard guard = LoginGuard.create(redis, LoginPolicy.defaults());
      server.stop();

      assertThatThrownBy(() -> guard.check("alice", "10.0.0.1")).isInstanceOf(RedisUnavailableException.class);
      assertThatThrownBy(() -> guard.recordFailure("alice", "10.0.0.1"))
          .isInstanceOf(RedisUnavailableException.class);
      assertThatThrownBy(() -> guard.recordSuccess("alice", "10.0.0.1"))
          .isInstanceOf(RedisUnavailableException.class);

      server.restart();
      await().atMost(Duration.ofSeconds(5)).ignoreExceptionsInstanceOf(RedisUnavailableException.class)
          .until(() -> guard.check("alice", "10.0.0.1").isAllowed());
      assertThat(guard.check("alice", "10.0.0.1").attemptsLeft()).isEqualTo(3);
    }
  }
}
