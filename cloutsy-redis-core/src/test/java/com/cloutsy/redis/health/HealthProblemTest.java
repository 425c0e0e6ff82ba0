package com.cloutsy.redis.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How server error replies map to problems, for the replies a test cannot easily make a real server give (LOADING
 * needs a data set large enough to load slowly, MISCONF a failing disk); HealthCheckTest covers the others live.
 */
class HealthProblemTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "LOADING Redis is loading the dataset in memory | LOADING",
      "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk | MISCONF",
      "CLUSTERDOWN Hash slot not served | CLUSTER_DOWN",
      "READONLY You can't write against a read only replica. | READONLY",
      "OOM command not allowed when used memory > 'maxmemory'. | OOM",
      "NOPERM this user has no permissions to access one of the keys used as arguments | NOPERM",
      "BUSY Redis is busy running a script. | BUSY",
      "WRONGPASS invalid username-password pair or user is disabled. | AUTHENTICATION",
      "NOAUTH Authentication required. | AUTHENTICATION",
      "ERR AUTH <password> called without any password configured for the default user | AUTHENTICATION",
      "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'. | PROBE_FAILED",
  })
  void serverErrorRepliesNameTheirProblem(String reply, HealthProblem expected) {
    HealthReport.Reason reason = HealthCheck.classify(
        new CompletionException(new RedisCommandExecutionException(reply)), "PING", null, false);

    assertThat(reason.problem()).isEqualTo(expected);
    assertThat(reason.detail()).isEqualTo("PING: " + reply);
  }

  @Test
  void aGenericDisconnectTakesTheProblemOfTheLastFailedReconnect() {
    RedisConnectionException notConnected = new RedisConnectionException("Currently not connected");
    RedisConnectionException wrongPassword = new RedisConnectionException("Unable to connect",
        new RedisCommandExecutionException("WRONGPASS invalid username-password pair"));

    assertThat(HealthCheck.classify(notConnected, "PING", null, false).problem())
        .isEqualTo(HealthProblem.UNREACHABLE);
    HealthReport.Reason reason = HealthCheck.classify(notConnected, "PING", wrongPassword, false);
    assertThat(reason.problem()).isEqualTo(HealthProblem.AUTHENTICATION);
    assertThat(reason.detail()).isEqualTo("PING: Currently not connected; reconnecting: Unable to connect");
  }

  @Test
  void aConnectionSetUpThatTimesOutIsTlsOnlyWhenTlsIsOn() {
    RedisConnectionException setUp = new RedisConnectionException("Unable to connect",
        new RedisCommandTimeoutException("Connection initialization timed out after 1 second(s)"));

    assertThat(HealthCheck.classify(setUp, "connect", null, true).problem()).isEqualTo(HealthProblem.TLS);
    assertThat(HealthCheck.classify(setUp, "connect", null, false).problem()).isEqualTo(HealthProblem.TIMEOUT);
    assertThat(HealthCheck.classify(new RedisCommandTimeoutException("Command timed out after 1 second(s)"), "PING",
        null, true).problem()).isEqualTo(HealthProblem.TIMEOUT);
  }

  @Test
  void everyProblemLeadsToDownOrDegraded() {
    for (HealthProblem problem : HealthProblem.values()) {
      assertThat(problem.status()).as(problem.name()).isIn(HealthStatus.DOWN, HealthStatus.DEGRADED);
    }
  }
}
