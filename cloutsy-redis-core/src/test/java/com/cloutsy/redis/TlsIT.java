package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.ThrowawayCa;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.health.HealthCheck;
import com.cloutsy.redis.health.HealthPolicy;
import com.cloutsy.redis.health.HealthProblem;
import com.cloutsy.redis.health.HealthReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * TLS against a real TLS-only redis-server with certificates from a throwaway CA: the right CA connects, an untrusted
 * certificate or a wrong host name is refused with a TLS error, and nothing ever falls back to plain text.
 *
 * <p>Needs a redis-server built with TLS: the bundled Linux x86-64 binary is (with libssl 3 installed), and so is
 * Debian's package (REDIS_SERVER_BIN). Otherwise every test is skipped with a message saying so.
 */
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsIT {

  private static final String NO_TLS = "skipped: " + EmbeddedRedis.binaryDescription()
      + " is not built with TLS; set REDIS_SERVER_BIN to a redis-server that is (Debian's redis-server package)";

  private final Path certificates;
  private final ThrowawayCa ca;
  private final ThrowawayCa stranger;
  private EmbeddedRedis server;
  private EmbeddedRedis otherName;

  TlsIT() {
    try {
      certificates = Files.createTempDirectory("cloutsy-tls-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ca = ThrowawayCa.create(certificates, "cloutsy test CA");
    stranger = ThrowawayCa.create(certificates, "someone else's CA");
  }

  @BeforeAll
  void startServers() {
    if (!EmbeddedRedis.supportsTls()) {
      System.out.println("TlsIT " + NO_TLS);
      return;
    }
    server = EmbeddedRedis.builder().tls(ca.issueServer("redis", List.of("localhost"), List.of("127.0.0.1"))).start();
    // Signed by the trusted CA, but for another host: only hostname verification refuses it.
    otherName = EmbeddedRedis.builder().tls(ca.issueServer("other", List.of("redis.example"), List.of())).start();
  }

  @AfterAll
  void stopServers() throws IOException {
    if (server != null) {
      server.close();
    }
    if (otherName != null) {
      otherName.close();
    }
    try (var files = Files.list(certificates)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(certificates);
  }

  private static void requireTls() {
    assumeTrue(EmbeddedRedis.supportsTls(), NO_TLS);
  }

  private RedisSettings.Builder tls(EmbeddedRedis to, String host, Path trustedCa) {
    return RedisSettings.builder().host(host).port(to.port()).tls(true).tlsCaFile(trustedCa)
        .connectTimeout(Duration.ofSeconds(2)).commandTimeout(Duration.ofSeconds(1));
  }

  @Test
  void connectsWithTheRightCaAndVerifiesTheHostNameByDefault() {
    requireTls();
    for (String host : List.of("localhost", "127.0.0.1")) {
      try (RedisService redis = RedisService.start(tls(server, host, ca.certificate()).build())) {
        redis.set("tls:greeting", "hello");
        assertThat(redis.get("tls:greeting")).isEqualTo("hello");
        assertThat(redis.redisUri().isSsl()).isTrue();
      }
    }
  }

  @Test
  void theSameSettingsComeFromTheEnvironment() {
    requireTls();
    RedisSettings settings = RedisSettings.fromEnvironment(Map.of("REDIS_URL", server.uri().replace("127.0.0.1",
        "localhost"), "REDIS_TLS_CA_FILE", ca.certificate().toString()));

    assertThat(settings.tls()).as("rediss:// means TLS").isTrue();
    try (RedisService redis = RedisService.start(settings)) {
      assertThat(redis.ping()).isPositive();
    }
  }

  @Test
  void aCertificateFromAnUntrustedCaIsRefusedWithATlsError() {
    requireTls();
    assertThatThrownBy(() -> RedisService.start(tls(server, "localhost", stranger.certificate()).build()))
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageStartingWith("TLS handshake with Redis at localhost:" + server.port() + " failed")
        .hasMessageContaining("REDIS_TLS_CA_FILE")
        .satisfies(failure -> assertThat(hasCause(failure, SSLException.class)).isTrue());
    // The JVM's own trust store does not know the throwaway CA either.
    assertThatThrownBy(() -> RedisService.start(RedisSettings.builder().host("localhost").port(server.port())
        .tls(true).connectTimeout(Duration.ofSeconds(2)).build()))
        .isInstanceOf(RedisUnavailableException.class)
        .satisfies(failure -> assertThat(hasCause(failure, SSLException.class)).isTrue());

    HealthReport report = HealthCheck.checkOnce(tls(server, "localhost", stranger.certificate()).build(),
        HealthPolicy.defaults());
    assertThat(report.reasons()).extracting(HealthReport.Reason::problem).containsExactly(HealthProblem.TLS);
  }

  @Test
  void aCertificateForAnotherHostIsRefusedUnlessHostNameVerificationIsTurnedOff() {
    requireTls();
    assertThatThrownBy(() -> RedisService.start(tls(otherName, "localhost", ca.certificate()).build()))
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageStartingWith("TLS handshake with Redis at localhost:" + otherName.port() + " failed")
        .satisfies(failure -> assertThat(hasCause(failure, SSLException.class)).isTrue())
        .satisfies(failure -> assertThat(causeMessages(failure)).containsIgnoringCase("localhost"));

    // The operator's explicit choice: the chain is still checked, the name is not.
    try (RedisService redis = RedisService.start(tls(otherName, "localhost", ca.certificate())
        .tlsVerifyHostname(false).build())) {
      assertThat(redis.ping()).isPositive();
    }
  }

  @Test
  void tlsNeverFallsBackToPlainText(RedisEndpoint shared) {
    requireTls();
    // TLS asked for, plain-text server: the handshake fails; the client does not carry on unencrypted.
    assertThatThrownBy(() -> RedisService.start(RedisSettings.builder().host(shared.host()).port(shared.port())
        .tls(true).tlsCaFile(ca.certificate()).connectTimeout(Duration.ofSeconds(1)).build()))
        .isInstanceOf(RedisUnavailableException.class);
    // Plain text asked for, TLS-only server: no answer a client could mistake for Redis.
    assertThatThrownBy(() -> RedisService.start(RedisSettings.builder().host("localhost").port(server.port())
        .connectTimeout(Duration.ofSeconds(1)).commandTimeout(Duration.ofSeconds(1)).build()))
        .isInstanceOf(RedisUnavailableException.class);
  }

  private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }

  private static String causeMessages(Throwable failure) {
    StringBuilder messages = new StringBuilder();
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      messages.append(cause.getMessage()).append(" | ");
    }
    return messages.toString();
  }
}
