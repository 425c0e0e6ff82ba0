package com.cloutsy.redis.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.cache.CachePolicy;
import com.cloutsy.redis.cache.RedisCache;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.health.Diagnostics;
import com.cloutsy.redis.health.HealthCheck;
import com.cloutsy.redis.login.LoginGuard;
import com.cloutsy.redis.login.LoginPolicy;
import com.cloutsy.redis.otp.OtpGuard;
import com.cloutsy.redis.otp.OtpRequestResult;
import com.cloutsy.redis.otp.OtpSender;
import com.cloutsy.redis.pubsub.EventBus;
import com.cloutsy.redis.ratelimit.Cooldown;
import com.cloutsy.redis.ratelimit.FailurePolicy;
import com.cloutsy.redis.ratelimit.RateLimiter;
import com.cloutsy.redis.session.SessionPolicy;
import com.cloutsy.redis.session.SessionStore;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@WithRedis
@ExtendWith(OutputCaptureExtension.class)
class CloutsyRedisAutoConfigurationTest {

  private static final String SECRET = "B24HvEHetxQXOv30uL2vmmwNvT4DojPDLZjC03atnsk=";

  private final RedisEndpoint endpoint;
  private final ApplicationContextRunner runner;

  CloutsyRedisAutoConfigurationTest(RedisEndpoint endpoint) {
    this.endpoint = endpoint;
    this.runner = TestContexts.runner(endpoint);
  }

  @Test
  void createsAStartedServiceAndOneBeanPerCapabilityOnIt() {
    runner.withPropertyValues("cloutsy.redis.key-prefix=starter:").run(context -> {
      assertThat(context).hasNotFailed();
      RedisService redis = context.getBean(RedisService.class);
      assertThat(redis.isConnected()).isTrue();
      assertThat(redis.keyNames().prefix()).isEqualTo("starter:");
      assertThat(context).hasSingleBean(RedisSettings.class).hasSingleBean(SessionStore.class)
          .hasSingleBean(LoginGuard.class).hasSingleBean(RateLimiter.class).hasSingleBean(Cooldown.class)
          .hasSingleBean(RedisCache.class).hasSingleBean(EventBus.class).hasSingleBean(HealthCheck.class)
          .hasSingleBean(Diagnostics.class);
      assertThat(context.getBean(HealthCheck.class).health().isUp()).isTrue();
      assertThat(context.getBean(SessionStore.class).count("nobody")).isZero();
    });
  }

  static Stream<Arguments> capabilities() {
    return Stream.of(
        Arguments.of("session", SessionStore.class),
        Arguments.of("login", LoginGuard.class),
        Arguments.of("rate-limit", RateLimiter.class),
        Arguments.of("rate-limit", Cooldown.class),
        Arguments.of("cache", RedisCache.class),
        Arguments.of("pubsub", EventBus.class),
        Arguments.of("health", HealthCheck.class),
        Arguments.of("diagnostics", Diagnostics.class),
        Arguments.of("otp", OtpGuard.class));
  }

  @ParameterizedTest(name = "cloutsy.redis.{0}.enabled=false removes the {1}")
  @MethodSource("capabilities")
  void eachCapabilityIsSwitchedOffByItsProperty(String capability, Class<?> bean) {
    ApplicationContextRunner withSender = runner.withUserConfiguration(SenderConfiguration.class)
        .withPropertyValues("cloutsy.redis.otp.secret=" + SECRET);
    withSender.run(context -> assertThat(context).hasSingleBean(bean));
    withSender.withPropertyValues("cloutsy.redis." + capability + ".enabled=false").run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean(bean).hasSingleBean(RedisService.class);
    });
  }

  @Test
  void theMasterSwitchTurnsEverythingOffWithoutConnecting() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CloutsyRedisAutoConfiguration.class))
        .withPropertyValues("cloutsy.redis.enabled=false", "cloutsy.redis.url=redis://127.0.0.1:1")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisService.class)
            .doesNotHaveBean(SessionStore.class).doesNotHaveBean(CloutsyRedisProperties.class));
  }

  @Test
  void applicationBeansReplaceTheAutoConfiguredOnes() {
    runner.withUserConfiguration(OwnBeans.class).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(SessionStore.class).policy().maxSessionsPerUser()).isEqualTo(3);
      assertThat(context.getBean(LoginGuard.class)).isSameAs(context.getBean("ownLoginGuard"));
      assertThat(context.getBean(RateLimiter.class).failurePolicy()).isEqualTo(FailurePolicy.FAIL_OPEN);
      assertThat(context.getBean(Cooldown.class)).isSameAs(context.getBean("ownCooldown"));
      assertThat(context.getBean(RedisCache.class).name()).isEqualTo("own");
      assertThat(context.getBean(EventBus.class)).isSameAs(context.getBean("ownEventBus"));
      assertThat(context.getBean(HealthCheck.class)).isSameAs(context.getBean("ownHealthCheck"));
      assertThat(context.getBean(Diagnostics.class)).isSameAs(context.getBean("ownDiagnostics"));
    });
  }

  @Test
  void applicationSettingsAndServiceReplaceTheAutoConfiguredOnes() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CloutsyRedisAutoConfiguration.class))
        .withBean(RedisSettings.class, () -> RedisSettings.builder().url(endpoint.uri()).keyPrefix("own-settings:")
            .build())
        .run(context -> assertThat(context.getBean(RedisService.class).keyNames().prefix()).isEqualTo("own-settings:"));
    runner.withUserConfiguration(OwnService.class).run(context -> {
      assertThat(context).hasSingleBean(RedisService.class);
      RedisService own = context.getBean(RedisService.class);
      assertThat(own.keyNames().prefix()).isEqualTo("own-service:");
      assertThat(context).hasSingleBean(SessionStore.class);
    });
  }

  @Test
  void withoutAnOtpSenderThereIsNoOtpGuardAndAnInfoLineSaysWhatToAdd(CapturedOutput output) {
    runner.run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean(OtpGuard.class);
      assertThat(output).contains("No OtpSender bean, so no OtpGuard bean");
    });
  }

  @Test
  void withAnOtpSenderAndASecretTheOtpGuardFollowsTheProperties() {
    runner.withUserConfiguration(SenderConfiguration.class)
        .withPropertyValues("cloutsy.redis.otp.secret=" + SECRET, "cloutsy.redis.otp.code-length=8",
            "cloutsy.redis.otp.cooldown=90s", "cloutsy.redis.otp.request-quota=3")
        .run(context -> {
          OtpGuard otp = context.getBean(OtpGuard.class);
          assertThat(otp.policy().codeLength()).isEqualTo(8);
          assertThat(otp.policy().cooldown()).isEqualTo(Duration.ofSeconds(90));
          assertThat(otp.policy().requestQuota()).isEqualTo(3);
          assertThat(otp.policy().secret().isGenerated()).isFalse();
          assertThat(otp.request("+15550000001")).isInstanceOf(OtpRequestResult.Issued.class);
        });
  }

  @Test
  void aTextSecretIsRefusedHoweverLongItIsRegression16() {
    runner.withUserConfiguration(SenderConfiguration.class)
        .withPropertyValues("cloutsy.redis.otp.secret=a text secret that is long enough, really")
        .run(context -> {
          RedisPropertyException failure = cause(context.getStartupFailure(), RedisPropertyException.class);
          assertThat(failure.property()).isEqualTo("cloutsy.redis.otp.secret");
          assertThat(failure.getMessage()).contains("random bytes").doesNotContain("long enough");
        });
  }

  @Test
  void acceptingUnboundVerificationsIsAnOptInThatWarnsAtStartUpRegression16(CapturedOutput output) {
    runner.withUserConfiguration(SenderConfiguration.class)
        .withPropertyValues("cloutsy.redis.otp.secret=" + SECRET)
        .run(context -> assertThat(context.getBean(OtpGuard.class).policy().acceptUnboundVerification()).isFalse());
    assertThat(output).doesNotContain("unbound verifications are accepted");
    runner.withUserConfiguration(SenderConfiguration.class)
        .withPropertyValues("cloutsy.redis.otp.secret=" + SECRET, "cloutsy.redis.otp.accept-unbound-verification=true")
        .run(context -> {
          assertThat(context.getBean(OtpGuard.class).policy().acceptUnboundVerification()).isTrue();
          assertThat(output).contains("WARN").contains("unbound verifications are accepted");
        });
  }

  @Test
  void withAnOtpSenderButNoSecretStartUpFailsNamingTheProperty() {
    runner.withUserConfiguration(SenderConfiguration.class).run(context -> {
      assertThat(context).hasFailed();
      RedisPropertyException failure = cause(context.getStartupFailure(), RedisPropertyException.class);
      assertThat(failure.property()).isEqualTo("cloutsy.redis.otp.secret");
      assertThat(failure.action()).contains("openssl rand -base64 32", "generate-dev-secret");
    });
  }

  @Test
  void aShortSecretFailsStartUpWithoutRepeatingIt() {
    runner.withUserConfiguration(SenderConfiguration.class)
        .withPropertyValues("cloutsy.redis.otp.secret=hunter2")
        .run(context -> {
          RedisPropertyException failure = cause(context.getStartupFailure(), RedisPropertyException.class);
          assertThat(failure.property()).isEqualTo("cloutsy.redis.otp.secret");
          assertThat(failure.getMessage()).contains("at least 32").doesNotContain("hunter2");
        });
  }

  @Test
  void theDevelopmentSecretIsGeneratedOnlyOnRequestAndWarnsLoudly(CapturedOutput output) {
    runner.withUserConfiguration(SenderConfiguration.class)
        .withPropertyValues("cloutsy.redis.otp.generate-dev-secret=true")
        .run(context -> {
          assertThat(context.getBean(OtpGuard.class).policy().secret().isGenerated()).isTrue();
          assertThat(output).contains("WARN").contains("DEVELOPMENT ONLY");
        });
  }

  @Test
  void policiesFollowTheProperties() {
    runner.withPropertyValues("cloutsy.redis.session.ttl=1h", "cloutsy.redis.session.max-per-user=4",
            "cloutsy.redis.session.expire-index=false", "cloutsy.redis.login.pair.max-failures=3",
            "cloutsy.redis.login.identifier.window=2h", "cloutsy.redis.rate-limit.failure-policy=fail-open",
            "cloutsy.redis.cache.name=catalog", "cloutsy.redis.cache.default-ttl=2m",
            "cloutsy.redis.cache.near-cache.size=100", "cloutsy.redis.pubsub.dispatch-threads=2",
            "cloutsy.redis.health.timeout=500ms")
        .run(context -> {
          SessionPolicy sessions = context.getBean(SessionStore.class).policy();
          assertThat(sessions.ttl()).isEqualTo(Duration.ofHours(1));
          assertThat(sessions.maxSessionsPerUser()).isEqualTo(4);
          assertThat(sessions.expireIndex()).isFalse();
          LoginPolicy login = context.getBean(LoginGuard.class).policy();
          assertThat(login.pair().maxFailures()).isEqualTo(3);
          assertThat(login.identifier().window()).isEqualTo(Duration.ofHours(2));
          assertThat(context.getBean(RateLimiter.class).failurePolicy()).isEqualTo(FailurePolicy.FAIL_OPEN);
          assertThat(context.getBean(Cooldown.class).failurePolicy()).isEqualTo(FailurePolicy.FAIL_OPEN);
          CachePolicy cache = context.getBean(RedisCache.class).policy();
          assertThat(context.getBean(RedisCache.class).name()).isEqualTo("catalog");
          assertThat(cache.defaultTtl()).isEqualTo(Duration.ofMinutes(2));
          assertThat(cache.nearCacheSize()).isEqualTo(100);
          assertThat(context.getBean(EventBus.class).policy().dispatchThreads()).isEqualTo(2);
          assertThat(context.getBean(HealthCheck.class).policy().timeout()).isEqualTo(Duration.ofMillis(500));
        });
  }

  @Test
  void sessionEncryptionKeysComeFromTheProperties() {
    String key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    runner.withPropertyValues("cloutsy.redis.session.encryption.current-key-id=k2",
            "cloutsy.redis.session.encryption.keys.k1=" + key, "cloutsy.redis.session.encryption.keys.k2=" + key)
        .run(context -> {
          SessionPolicy policy = context.getBean(SessionStore.class).policy();
          assertThat(policy.encryption()).isNotNull();
          assertThat(policy.encryption().currentKeyId()).isEqualTo("k2");
          assertThat(policy.encryption().keyIds()).containsExactlyInAnyOrder("k1", "k2");
        });
  }

  @Test
  void aMissingCurrentSessionKeyFailsStartUpNamingTheProperty() {
    runner.withPropertyValues("cloutsy.redis.session.encryption.current-key-id=k9",
            "cloutsy.redis.session.encryption.keys.k1=MDEyMzQ1Njc4OWFiY2RlZg==")
        .run(context -> assertThat(cause(context.getStartupFailure(), RedisPropertyException.class).property())
            .isEqualTo("cloutsy.redis.session.encryption.current-key-id"));
  }

  @Test
  void runsOnSpringDataRedisClientResourcesWhenTheyArePresent() {
    ApplicationContextRunner withDataRedis = runner.withConfiguration(
        AutoConfigurations.of(DataRedisAutoConfiguration.class, CloutsyRedisAutoConfiguration.class));
    withDataRedis.run(context -> {
      assertThat(context).hasSingleBean(ClientResources.class);
      assertThat(context.getBean(RedisService.class).client().getResources())
          .isSameAs(context.getBean(ClientResources.class));
      assertThat(context.getBean(RedisService.class).isConnected()).isTrue();
    });
    withDataRedis.withPropertyValues("cloutsy.redis.share-client-resources=false").run(context ->
        assertThat(context.getBean(RedisService.class).client().getResources())
            .isNotSameAs(context.getBean(ClientResources.class)));
    runner.run(context -> assertThat(context).doesNotHaveBean(ClientResources.class));
  }

  @Test
  void theSeedsEnvironmentVariablesConfigureTheServiceUnchanged() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CloutsyRedisAutoConfiguration.class))
        .withSystemProperties("REDIS_HOST=" + endpoint.host(), "REDIS_PORT=" + endpoint.port(), "REDIS_URL=",
            "REDIS_KEY_PREFIX=from-env:", "REDIS_COMMAND_TIMEOUT_MS=1500")
        .run(context -> {
          RedisService redis = context.getBean(RedisService.class);
          assertThat(redis.isConnected()).isTrue();
          assertThat(redis.settings().port()).isEqualTo(endpoint.port());
          assertThat(redis.keyNames().prefix()).isEqualTo("from-env:");
          assertThat(redis.settings().commandTimeout()).isEqualTo(Duration.ofMillis(1500));
        });
  }

  @Test
  void springPropertiesWinOverTheEnvironmentVariables() {
    runner.withSystemProperties("REDIS_URL=redis://127.0.0.1:1", "REDIS_KEY_PREFIX=from-env:", "REDIS_DB=oops")
        .withPropertyValues("cloutsy.redis.key-prefix=from-spring:", "cloutsy.redis.database=0")
        .run(context -> {
          RedisService redis = context.getBean(RedisService.class);
          assertThat(redis.isConnected()).isTrue();
          assertThat(redis.settings().url()).isEqualTo(endpoint.uri());
          assertThat(redis.keyNames().prefix()).isEqualTo("from-spring:");
        });
  }

  @Test
  void anUnreachableServerFailsStartUpNamingTheAddress() {
    runner.withPropertyValues("cloutsy.redis.url=redis://127.0.0.1:1", "cloutsy.redis.connect-timeout=500ms")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).hasStackTraceContaining("127.0.0.1:1");
        });
  }

  private static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return type.cast(cause);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + failure);
  }

  @Configuration(proxyBeanMethods = false)
  static class SenderConfiguration {
    @Bean
    OtpSender otpSender() {
      return message -> CompletableFuture.completedFuture(null);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnBeans {
    @Bean
    SessionStore ownSessionStore(RedisService redis) {
      return SessionStore.create(redis, SessionPolicy.defaults().withMaxSessionsPerUser(3));
    }

    @Bean
    LoginGuard ownLoginGuard(RedisService redis) {
      return LoginGuard.create(redis, LoginPolicy.defaults());
    }

    @Bean
    RateLimiter ownRateLimiter(RedisService redis) {
      return RateLimiter.create(redis, FailurePolicy.FAIL_OPEN);
    }

    @Bean
    Cooldown ownCooldown(RedisService redis) {
      return Cooldown.create(redis);
    }

    @Bean
    RedisCache ownRedisCache(RedisService redis) {
      return RedisCache.create(redis, "own", CachePolicy.defaults());
    }

    @Bean
    EventBus ownEventBus(RedisService redis) {
      return EventBus.create(redis);
    }

    @Bean
    HealthCheck ownHealthCheck(RedisService redis) {
      return HealthCheck.create(redis);
    }

    @Bean
    Diagnostics ownDiagnostics(RedisService redis) {
      return Diagnostics.create(redis);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnService {
    @Bean
    RedisService ownRedisService(RedisSettings settings) {
      return RedisService.start(settings.toBuilder().keyPrefix("own-service:").build());
    }
  }
}
