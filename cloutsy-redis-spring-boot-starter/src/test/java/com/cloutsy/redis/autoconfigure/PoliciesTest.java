package com.cloutsy.redis.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloutsy.redis.cache.CachePolicy;
import com.cloutsy.redis.codec.Codec;
import com.cloutsy.redis.health.DiagnosticsPolicy;
import com.cloutsy.redis.health.HealthPolicy;
import com.cloutsy.redis.login.LoginPolicy;
import com.cloutsy.redis.otp.OtpPolicy;
import com.cloutsy.redis.pubsub.EventBusPolicy;
import com.cloutsy.redis.ratelimit.FailurePolicy;
import com.cloutsy.redis.session.SessionPolicy;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.env.MockEnvironment;

class PoliciesTest {

  private static final String SECRET = "B24HvEHetxQXOv30uL2vmmwNvT4DojPDLZjC03atnsk=";

  @Test
  void thePropertyDefaultsAreTheCoreDefaults() {
    CloutsyRedisProperties defaults = new CloutsyRedisProperties();
    defaults.getOtp().setSecret(SECRET);

    assertThat(Policies.session(defaults.getSession())).isEqualTo(SessionPolicy.defaults());
    assertThat(Policies.login(defaults.getLogin())).isEqualTo(LoginPolicy.defaults());
    assertThat(Policies.cache(defaults.getCache(), Codec.json())).isEqualTo(CachePolicy.defaults());
    assertThat(Policies.pubsub(defaults.getPubsub(), Codec.json())).isEqualTo(EventBusPolicy.defaults());
    assertThat(Policies.health(defaults.getHealth())).isEqualTo(HealthPolicy.defaults());
    assertThat(Policies.diagnostics(defaults.getDiagnostics())).isEqualTo(DiagnosticsPolicy.defaults());
    OtpPolicy otp = Policies.otp(defaults.getOtp(), new MockEnvironment());
    assertThat(otp).isEqualTo(OtpPolicy.defaults(otp.secret()));
    assertThat(defaults.getRateLimit().getFailurePolicy()).isEqualTo(FailurePolicy.FAIL_CLOSED);
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        refusal("cloutsy.redis.session.ttl", p -> p.getSession().setTtl(Duration.ZERO)),
        refusal("cloutsy.redis.session.idle-timeout", p -> p.getSession().setIdleTimeout(Duration.ofDays(4000))),
        refusal("cloutsy.redis.session.max-per-user", p -> p.getSession().setMaxPerUser(-1)),
        refusal("cloutsy.redis.otp.code-length", p -> p.getOtp().setCodeLength(3)),
        refusal("cloutsy.redis.otp.code-ttl", p -> p.getOtp().setCodeTtl(Duration.ofMinutes(11))),
        refusal("cloutsy.redis.otp.max-attempts", p -> p.getOtp().setMaxAttempts(0)),
        refusal("cloutsy.redis.login.pair.max-failures", p -> p.getLogin().getPair().setMaxFailures(30)),
        refusal("cloutsy.redis.login.identifier.max-failures", p -> p.getLogin().getIdentifier().setMaxFailures(101)),
        refusal("cloutsy.redis.login.address.window", p -> p.getLogin().getAddress().setWindow(Duration.ZERO)),
        refusal("cloutsy.redis.cache.ttl-jitter-percent", p -> p.getCache().setTtlJitterPercent(101)),
        refusal("cloutsy.redis.cache.negative-ttl", p -> p.getCache().setNegativeTtl(Duration.ofSeconds(-1))),
        refusal("cloutsy.redis.cache.near-cache.size", p -> p.getCache().getNearCache().setSize(-1)),
        refusal("cloutsy.redis.pubsub.dispatch-threads", p -> p.getPubsub().setDispatchThreads(0)),
        refusal("cloutsy.redis.health.memory-threshold", p -> p.getHealth().setMemoryThreshold(2)),
        refusal("cloutsy.redis.diagnostics.scan-count", p -> p.getDiagnostics().setScanCount(0)));
  }

  private static Arguments refusal(String property, Consumer<CloutsyRedisProperties> change) {
    return Arguments.of(property, change);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void aValueThePolicyRefusesIsNamedByItsProperty(String property, Consumer<CloutsyRedisProperties> change) {
    CloutsyRedisProperties properties = new CloutsyRedisProperties();
    properties.getOtp().setSecret(SECRET);
    change.accept(properties);
    Function<CloutsyRedisProperties, Object> build = p -> switch (property.split("\\.")[2]) {
      case "session" -> Policies.session(p.getSession());
      case "otp" -> Policies.otp(p.getOtp(), new MockEnvironment());
      case "login" -> Policies.login(p.getLogin());
      case "cache" -> Policies.cache(p.getCache(), Codec.json());
      case "pubsub" -> Policies.pubsub(p.getPubsub(), Codec.json());
      case "health" -> Policies.health(p.getHealth());
      default -> Policies.diagnostics(p.getDiagnostics());
    };

    assertThatThrownBy(() -> build.apply(properties)).isInstanceOfSatisfying(RedisPropertyException.class, failure -> {
      assertThat(failure.property()).isEqualTo(property);
      assertThat(failure.getMessage()).startsWith(property + ": ");
    });
  }

  @Test
  void theOtpSecretIsBase64OfRandomBytesInEitherAlphabetAndNeverAPassphraseRegression16() {
    CloutsyRedisProperties.Otp otp = new CloutsyRedisProperties.Otp();
    otp.setSecret(SECRET);
    assertThat(Policies.otpSecret(otp).isGenerated()).isFalse();
    otp.setSecret(SECRET.replace('+', '-').replace('/', '_'));
    assertThat(Policies.otpSecret(otp).isGenerated()).isFalse();
    otp.setSecret("a text secret that is long enough, really, and more");
    assertThatThrownBy(() -> Policies.otpSecret(otp)).isInstanceOfSatisfying(RedisPropertyException.class,
        failure -> assertThat(failure.getMessage()).contains("random bytes").doesNotContain("long enough"));
    otp.setSecret(" ");
    otp.setGenerateDevSecret(true);
    assertThat(Policies.otpSecret(otp).isGenerated()).isTrue();
  }

  @Test
  void unboundVerificationsAreAcceptedOnlyWhenThePropertyOrTheVariableSaysSoRegression16() {
    CloutsyRedisProperties.Otp otp = new CloutsyRedisProperties.Otp();
    otp.setSecret(SECRET);
    MockEnvironment on = new MockEnvironment().withProperty("REDIS_OTP_ACCEPT_UNBOUND_VERIFICATION", "true");
    MockEnvironment bad = new MockEnvironment().withProperty("REDIS_OTP_ACCEPT_UNBOUND_VERIFICATION", "yes");

    assertThat(Policies.otp(otp, new MockEnvironment()).acceptUnboundVerification()).isFalse();
    assertThat(Policies.otp(otp, on).acceptUnboundVerification()).isTrue();
    assertThatThrownBy(() -> Policies.otp(otp, bad)).isInstanceOfSatisfying(RedisPropertyException.class,
        failure -> assertThat(failure.property()).isEqualTo("REDIS_OTP_ACCEPT_UNBOUND_VERIFICATION"));
    otp.setAcceptUnboundVerification(false);
    assertThat(Policies.otp(otp, on).acceptUnboundVerification()).as("the property wins").isFalse();
  }
}
