package com.cloutsy.redis.otp;

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

/** OTP never issues or verifies when Redis cannot be asked, and works again when it is back. */
@WithRedis
class OtpGuardFailClosedTest {

  @Test
  void everyCallFailsClosedWhileRedisIsDownAndWorksAgainAfterwards(EmbeddedRedis server) {
    RedisSettings settings = RedisSettings.builder().url(server.uri()).commandTimeout(Duration.ofMillis(500)).build();
    RecordingSender sender = new RecordingSender();
    try (RedisService redis = RedisService.start(settings)) {
      OtpGuard guard = OtpGuard.create(redis, OtpPolicy.defaults(OtpGuardTest.SECRET), sender);
      server.stop();

      assertThatThrownBy(() -> guard.request("+15550001111")).isInstanceOf(RedisUnavailableException.class);
      assertThatThrownBy(() -> guard.verify("+15550001111", "123456")).isInstanceOf(RedisUnavailableException.class);
      assertThatThrownBy(() -> guard.isVerified("+15550001111", "ticket"))
          .isInstanceOf(RedisUnavailableException.class);
      assertThatThrownBy(() -> guard.consumeVerification("+15550001111", "ticket"))
          .isInstanceOf(RedisUnavailableException.class);
      assertThat(sender.sent()).as("nothing sent without a stored code").isEmpty();

      server.restart();
      await().atMost(Duration.ofSeconds(5)).ignoreExceptionsInstanceOf(RedisUnavailableException.class)
          .until(() -> guard.request("+15550001111") instanceof OtpRequestResult.Issued);
      assertThat(guard.verify("+15550001111", sender.lastCode()).isVerified()).isTrue();
    }
  }
}
