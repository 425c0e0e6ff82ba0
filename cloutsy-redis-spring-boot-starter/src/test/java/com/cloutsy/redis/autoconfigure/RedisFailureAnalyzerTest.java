package com.cloutsy.redis.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
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
}
