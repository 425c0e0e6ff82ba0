package com.cloutsy.redis.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;

@WithRedis
class RedisFailureAnalyzerTest {

  private final ApplicationContextRunner runner;
  private final RedisFailureAnalyzer analyzer = new RedisFailureAnalyzer();

  RedisFailureAnalyzerTest(RedisEndpoint endpoint) {
    this.runner = TestContexts.runner(endpoint);
  }

  @Test
  void aBadPropertyIsReportedByItsNameWithAnAction() {
    runner.withPropertyValues("cloutsy.redis.url=", "cloutsy.redis.host=localhost", "cloutsy.redis.port=70000")
        .run(context -> {
          FailureAnalysis analysis = analyzer.analyze(context.getStartupFailure());
          assertThat(analysis.getDescription()).startsWith("cloutsy.redis.port must be an integer 1-65535");
          assertThat(analysis.getAction()).contains("cloutsy.redis.port");
        });
  }

  @Test
  void aBadPolicyPropertyIsReportedByItsName() {
    runner.withPropertyValues("cloutsy.redis.session.ttl=0s").run(context -> {
      FailureAnalysis analysis = analyzer.analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).startsWith("cloutsy.redis.session.ttl: ttl must be");
      assertThat(analysis.getAction()).contains("cloutsy.redis.session.ttl");
    });
  }

  @Test
  void aValueOfTheWrongTypeFailsStartUpNamingTheProperty() {
    runner.withPropertyValues("cloutsy.redis.port=abc").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasStackTraceContaining("cloutsy.redis.port");
    });
  }

  @Test
  void aBadVariableIsReportedByItsNameAndThePropertyThatWouldReplaceIt() {
    runner.withPropertyValues("cloutsy.redis.url=", "REDIS_URL=", "REDIS_DB=two").run(context -> {
      FailureAnalysis analysis = analyzer.analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).startsWith("REDIS_DB must be");
      assertThat(analysis.getAction()).contains("REDIS_DB", "cloutsy.redis.database");
    });
  }

  @Test
  void anUnreachableServerIsReportedWithItsAddressAndWhatToSet() {
    runner.withPropertyValues("cloutsy.redis.url=redis://user:hunter2@127.0.0.1:1",
        "cloutsy.redis.connect-timeout=500ms").run(context -> {
          FailureAnalysis analysis = analyzer.analyze(context.getStartupFailure());
          assertThat(analysis.getDescription()).contains("127.0.0.1:1").doesNotContain("hunter2");
          assertThat(analysis.getAction()).contains("cloutsy.redis.url", "REDIS_URL");
        });
  }

  @Test
  void aRefusedUrlIsReportedByItsPropertyWithoutThePasswordRegression16() {
    for (String password : PASSWORDS) {
      for (String written : List.of(password, encode(password))) {
        String url = "redis://app:" + written + "@127.0.0.1:port/0";
        runner.withPropertyValues("cloutsy.redis.url=" + url).run(context -> {
          FailureAnalysis analysis = analyzer.analyze(context.getStartupFailure());
          assertThat(analysis.getDescription()).startsWith("cloutsy.redis.url must be redis://")
              .contains("redis://****@127.0.0.1:port/0");
          assertThat(analysis.getAction()).contains("cloutsy.redis.url");
          assertNoPassword(password, analysis.getDescription(), analysis.getAction(),
              chain(context.getStartupFailure()));
          assertThat(causes(context.getStartupFailure())).noneMatch(BindException.class::isInstance);
        });
        runner.withPropertyValues("cloutsy.redis.url=", "REDIS_URL=" + url).run(context -> {
          FailureAnalysis analysis = analyzer.analyze(context.getStartupFailure());
          assertThat(analysis.getDescription()).startsWith("REDIS_URL must be redis://");
          assertThat(analysis.getAction()).contains("REDIS_URL", "cloutsy.redis.url");
          assertNoPassword(password, analysis.getDescription(), analysis.getAction(),
              chain(context.getStartupFailure()));
        });
      }
    }
  }

  @Test
  void aWrongPasswordInTheUrlIsReportedWithTheUserButWithoutThePassword(RedisEndpoint endpoint) {
    for (String password : PASSWORDS) {
      runner.withPropertyValues("cloutsy.redis.url=redis://app:" + password + "@" + endpoint.host() + ":"
          + endpoint.port(), "cloutsy.redis.connect-timeout=10s").run(context -> {
            FailureAnalysis analysis = analyzer.analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains(endpoint.host() + ":" + endpoint.port(),
                "refused the credentials of user \"app\"", "WRONGPASS");
            assertThat(analysis.getAction()).as("a misconfiguration, not an outage")
                .contains("cloutsy.redis.username", "ACL user");
            assertNoPassword(password, analysis.getDescription(), analysis.getAction(),
                chain(context.getStartupFailure()));
          });
    }
  }

  @Test
  void aPasswordThatLooksLikeAPlaceholderIsUsedAsWrittenAndNeverShown(RedisEndpoint endpoint) {
    String password = "s3cr${et}+K";
    runner.withPropertyValues("cloutsy.redis.url=", "REDIS_URL=redis://app:" + password + "@" + endpoint.host() + ":"
        + endpoint.port(), "cloutsy.redis.connect-timeout=10s").run(context -> {
          FailureAnalysis analysis = analyzer.analyze(context.getStartupFailure());
          assertThat(analysis.getDescription()).contains("refused the credentials of user \"app\"", "WRONGPASS");
          assertNoPassword(password, analysis.getDescription(), analysis.getAction(),
              chain(context.getStartupFailure()));
        });
  }

  @Test
  void otherFailuresAreLeftToOtherAnalyzers() {
    assertThat(analyzer.analyze(new IllegalStateException("not ours"))).isNull();
  }

  @Test
  void theAnalyzerAndTheAutoConfigurationsAreRegistered() {
    List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
        .load(FailureAnalyzer.class, (type, name, failure) -> { });
    assertThat(analyzers).hasAtLeastOneElementOfType(RedisFailureAnalyzer.class);
    assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
        .contains(CloutsyRedisAutoConfiguration.class.getName(),
            CloutsyRedisCacheManagerAutoConfiguration.class.getName(),
            "com.cloutsy.redis.autoconfigure.actuate.CloutsyRedisHealthAutoConfiguration",
            "com.cloutsy.redis.autoconfigure.actuate.CloutsyRedisMetricsAutoConfiguration",
            "com.cloutsy.redis.autoconfigure.web.CloutsyRedisWebAutoConfiguration");
  }

  /** The issue's example and passwords made of every character that breaks naive URL parsing. */
  private static final List<String> PASSWORDS = List.of("s3cr/et+K", "p@ss:w/rd?#x y%zz-1",
      "50%off \u00E9\u4E2D\uD83D\uDE00 #2", "::@@//??##%%++");

  private static String encode(String text) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      encoded.append(Character.isLetterOrDigit(c) && c < 0x80 ? String.valueOf((char) c) : String.format("%%%02X", c));
    }
    return encoded.toString();
  }

  private static List<Throwable> causes(Throwable failure) {
    List<Throwable> causes = new ArrayList<>();
    for (Throwable cause = failure; cause != null && !causes.contains(cause); cause = cause.getCause()) {
      causes.add(cause);
    }
    return causes;
  }

  private static String chain(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable cause : causes(failure)) {
      text.append(cause).append('\n');
    }
    return text.toString();
  }

  private static void assertNoPassword(String password, String... texts) {
    for (String text : texts) {
      assertThat(text).doesNotContain(password, encode(password));
    }
  }
}
