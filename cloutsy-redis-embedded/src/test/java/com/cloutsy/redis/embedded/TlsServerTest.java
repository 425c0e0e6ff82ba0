package com.cloutsy.redis.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsServerTest {

  @TempDir
  Path certificates;

  @Test
  void theBundledLinuxBinaryIsBuiltWithTls() {
    assumeTrue("Linux".equals(System.getProperty("os.name")) && "amd64".equals(System.getProperty("os.arch"))
        && RedisBinary.fromEnvironment().origin().startsWith("bundled"),
        "only the bundled Linux x86-64 binary is known to have TLS");
    assertThat(EmbeddedRedis.supportsTls()).as(EmbeddedRedis.binaryDescription()).isTrue();
  }

  @Test
  void aTlsServerSpeaksTlsOnlyWithTheIssuedCertificate() throws Exception {
    assumeTrue(EmbeddedRedis.supportsTls(), () -> "skipped: " + EmbeddedRedis.binaryDescription()
        + " is not built with TLS; set REDIS_SERVER_BIN to one that is (Debian's redis-server package)");
    ThrowawayCa ca = ThrowawayCa.create(certificates, "cloutsy test CA");
    TlsFiles files = ca.issueServer("redis", List.of("localhost"), List.of("127.0.0.1"));
    assertThat(Files.readString(files.certificate())).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(Files.readString(files.privateKey())).startsWith("-----BEGIN PRIVATE KEY-----");

    try (EmbeddedRedis server = EmbeddedRedis.builder().tls(files).start()) {
      assertThat(server.isTls()).isTrue();
      assertThat(server.uri()).isEqualTo("rediss://127.0.0.1:" + server.port());
      try (RespConnection tls = RespConnection.open(server.host(), server.port(), Loopback.TIMEOUT, ca.certificate())) {
        assertThat(tls.call("PING")).isEqualTo("PONG");
      }
      // Plain text on the TLS port gets no Redis reply: the server waits for a handshake and then drops us.
      assertThatThrownBy(() -> Loopback.call(server.port(), "PING")).isInstanceOf(IOException.class);
      ThrowawayCa stranger = ThrowawayCa.create(certificates, "another CA");
      assertThatThrownBy(() -> RespConnection.open(server.host(), server.port(), Loopback.TIMEOUT,
          stranger.certificate())).isInstanceOf(SSLException.class);
    }
  }

  @Test
  void aServerCertificateNeedsANameOrAddress() {
    ThrowawayCa ca = ThrowawayCa.create(certificates, "ca");
    assertThatThrownBy(() -> ca.issueServer("x", List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ca.issueServer("../x", List.of("a"), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
