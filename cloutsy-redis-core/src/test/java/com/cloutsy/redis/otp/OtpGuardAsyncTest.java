package com.cloutsy.redis.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous forms of OTP: the same contract as the blocking ones (which wait on them), kept also when many
 * calls are in flight at once from one thread, and failed stages (never a thrown exception) when Redis is down.
 */
@RunsAs(LeastPrivilege.OTP)
@WithRedis
class OtpGuardAsyncTest {

  private static final int IN_FLIGHT = 50;

  private final RedisEndpoint endpoint;
  private final RecordingSender sender = new RecordingSender();

  OtpGuardAsyncTest(RedisEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  private static String phone() {
    return "+1555" + (1_000_000 + ThreadLocalRandom.current().nextInt(9_000_000));
  }

  private static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  @Test
  void requestVerifyAndConsumeAsynchronously() {
    try (RedisService redis = TestRedis.start(endpoint);
        OtpGuard guard = OtpGuard.create(redis, OtpPolicy.defaults(OtpGuardTest.SECRET), sender)) {
      String phone = phone();

      assertThat(join(guard.requestAsync(phone, "login")))
          .isEqualTo(new OtpRequestResult.Issued(Duration.ofMinutes(5), Duration.ofSeconds(60)));
      assertThat(join(guard.requestAsync(phone, "login"))).isInstanceOf(OtpRequestResult.CooldownActive.class);
      String code = sender.lastCode();
      String wrong = code.equals("000000") ? "111111" : "000000";

      assertThat(join(guard.verifyAsync(phone, wrong, "login"))).isEqualTo(new OtpVerifyResult.WrongCode(4));
      OtpVerifyResult verified = join(guard.verifyAsync(phone, code, "login"));
      assertThat(verified).isInstanceOf(OtpVerifyResult.Verified.class);
      String ticket = ((OtpVerifyResult.Verified) verified).ticket().value();

      assertThat(join(guard.isVerifiedAsync(phone, ticket, "login"))).isTrue();
      assertThat(join(guard.isVerifiedAsync(phone, ticket + "x", "login"))).as("checked with a wrong ticket").isFalse();
      assertThat(join(guard.consumeVerificationAsync(phone, ticket + "x", "login"))).as("a wrong ticket").isFalse();
      assertThat(join(guard.consumeVerificationAsync(phone, ticket, "signup"))).as("another purpose").isFalse();
      assertThat(join(guard.consumeVerificationAsync(phone, ticket, "login"))).isTrue();
      assertThat(join(guard.consumeVerificationAsync(phone, ticket, "login"))).as("spent").isFalse();
      assertThat(join(guard.isVerifiedAsync(phone, ticket, "login"))).as("spent").isFalse();
      assertThat(sender.sent()).hasSize(1);
    }
  }

  @Test
  void callsInFlightTogetherStayAtomic() {
    try (RedisService redis = TestRedis.start(endpoint);
        OtpGuard guard = OtpGuard.create(redis, OtpPolicy.defaults(OtpGuardTest.SECRET), sender)) {
      String phone = phone();
      List<CompletableFuture<OtpRequestResult>> requests = IntStream.range(0, IN_FLIGHT)
          .mapToObj(i -> guard.requestAsync(phone, "login").toCompletableFuture()).toList();
      List<OtpRequestResult> requested = requests.stream().map(CompletableFuture::join).toList();

      assertThat(requested).filteredOn(OtpRequestResult.Issued.class::isInstance).hasSize(1);
      assertThat(sender.sent()).as("one code sent").hasSize(1);

      String code = sender.lastCode();
      List<CompletableFuture<OtpVerifyResult>> verifies = IntStream.range(0, IN_FLIGHT)
          .mapToObj(i -> guard.verifyAsync(phone, code, "login").toCompletableFuture()).toList();
      List<OtpVerifyResult> verified = verifies.stream().map(CompletableFuture::join).toList();
      assertThat(verified).filteredOn(OtpVerifyResult.Verified.class::isInstance).as("one verification").hasSize(1);
      String ticket = verified.stream().filter(OtpVerifyResult.Verified.class::isInstance).findFirst()
          .map(result -> ((OtpVerifyResult.Verified) result).ticket().value()).orElseThrow();

      List<CompletableFuture<Boolean>> consumes = IntStream.range(0, IN_FLIGHT)
          .mapToObj(i -> guard.consumeVerificationAsync(phone, ticket, "login").toCompletableFuture()).toList();
      assertThat(consumes.stream().map(CompletableFuture::join)).as("one login per ticket")
          .containsOnlyOnce(true);
    }
  }

  @Test
  void badInputThrowsAtOnceAndAnOutageFailsTheStage(EmbeddedRedis server) {
    RedisSettings settings = RedisSettings.builder().url(server.uri()).commandTimeout(Duration.ofMillis(500)).build();
    try (RedisService redis = RedisService.start(settings);
        OtpGuard guard = OtpGuard.create(redis, OtpPolicy.defaults(OtpGuardTest.SECRET), sender)) {
      assertThatNullPointerException().isThrownBy(() -> guard.requestAsync(null, "login"))
          .withMessage("phone must not be null");
      server.stop();
      try {
        for (CompletableFuture<?> call : List.of(guard.requestAsync("+15550002222", "login").toCompletableFuture(),
            guard.verifyAsync("+15550002222", "123456", "login").toCompletableFuture(),
            guard.isVerifiedAsync("+15550002222", "ticket", "login").toCompletableFuture(),
            guard.consumeVerificationAsync("+15550002222", "ticket", "login").toCompletableFuture())) {
          assertThat(call).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
              .havingCause().isInstanceOf(RedisUnavailableException.class);
        }
        assertThat(sender.sent()).as("nothing sent without a stored code").isEmpty();
      } finally {
        server.restart();
      }
    }
  }
}
