package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.ThrowawayCa;
import com.cloutsy.redis.embedded.TlsFiles;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.health.HealthCheck;
import com.cloutsy.redis.health.HealthPolicy;
import com.cloutsy.redis.health.HealthProblem;
import com.cloutsy.redis.health.HealthReport;
import com.cloutsy.redis.health.HealthStatus;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/**
 * Issue 18, point 4: the server's certificate is replaced under load by one from a CA the client does not trust, and
 * the connections are dropped, so the reconnect's TLS handshake fails; then the right certificate comes back. Health
 * names TLS on the first check after a failed handshake, and the same {@link RedisService} serves again within 5 s of
 * the good certificate's return. The swap writes the other certificate and key over the server's files and reloads
 * them ({@code CONFIG SET tls-cert-file} with the same path, which Redis 6.2 and 7 both accept), from an admin
 * connection that {@code CLIENT KILL TYPE normal} spares (it skips the caller).
 */
@WithRedis
class TlsCertificateChangeIT {

  private static final Duration SERVES_AGAIN_WITHIN = Duration.ofSeconds(5);
  private static final int LOAD_LIMIT = 1_000_000;
  private static final int IMPOSTOR_ATTEMPTS = 5;

  @Test
  void aCertificateFromAnUnknownCaIsReportedAsTlsAndTheServiceRecoversWhenTheGoodOneReturns(@TempDir Path dir,
      TestReporter reporter) throws Exception {
    assumeTrue(EmbeddedRedis.supportsTls(), "redis-server is not built with TLS");
    ThrowawayCa ca = ThrowawayCa.create(dir, "cloutsy test CA");
    ThrowawayCa stranger = ThrowawayCa.create(dir, "someone else's CA");
    TlsFiles good = ca.issueServer("redis", List.of("localhost"), List.of("127.0.0.1"));
    TlsFiles impostor = stranger.issueServer("impostor", List.of("localhost"), List.of("127.0.0.1"));
    byte[] goodCertificate = Files.readAllBytes(good.certificate());
    byte[] goodKey = Files.readAllBytes(good.privateKey());

    RedisClient admin = RedisClient.create();
    admin.setOptions(ClientOptions.builder().autoReconnect(false)
        .sslOptions(SslOptions.builder().jdkSslProvider().trustManager(ca.certificate().toFile()).build()).build());
    try (EmbeddedRedis server = EmbeddedRedis.builder().tls(good).start();
        StatefulRedisConnection<String, String> control = admin.connect(
            RedisURI.builder().withHost("localhost").withPort(server.port()).withSsl(true).build());
        RedisService redis = RedisService.start(RedisSettings.builder().host("localhost").port(server.port())
            .tls(true).tlsCaFile(ca.certificate()).keyPrefix(TestRedis.freshPrefix())
            .connectTimeout(Duration.ofSeconds(1)).commandTimeout(Duration.ofSeconds(1)).build());
        HealthCheck health = HealthCheck.create(redis, HealthPolicy.defaults())) {
      AtomicLong served = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<ReconnectFailedEvent> handshakeFailed = new AtomicReference<>();
      AtomicLong reconnectsFailed = new AtomicLong();
      Disposable events = redis.resources().eventBus().get().subscribe(event -> {
        if (event instanceof ReconnectFailedEvent failure) {
          handshakeFailed.compareAndSet(null, failure);
          reconnectsFailed.incrementAndGet();
        }
      });
      Thread load = new Thread(() -> {
        for (int i = 0; i < LOAD_LIMIT && !stop.get(); i++) {
          try {
            redis.set("tls-swap:" + (i % 100), "v" + i);
            served.incrementAndGet();
          } catch (RedisUnavailableException down) {
            failed.incrementAndGet();
          }
        }
      }, "tls-load");
      load.start();
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> served.get() >= 1_000);

        swap(control, impostor, good);
        assertThat(control.sync().clientKill(KillArgs.Builder.typeNormal())).isPositive();
        await().atMost(Duration.ofSeconds(5)).until(() -> handshakeFailed.get() != null);
        HealthReport report = health.health();
        assertThat(report.reasons()).as("the first check after a failed handshake")
            .extracting(HealthReport.Reason::problem).contains(HealthProblem.TLS);
        // The impostor stays for several reconnect attempts, as a real certificate mistake would.
        await().atMost(Duration.ofSeconds(10)).until(() -> reconnectsFailed.get() >= IMPOSTOR_ATTEMPTS);
        long failedWhileImpostor = failed.get();

        Files.write(good.certificate(), goodCertificate);
        Files.write(good.privateKey(), goodKey);
        control.sync().configSet("tls-cert-file", good.certificate().toString());
        long restoredAt = System.nanoTime();
        long servedBefore = served.get();
        await().atMost(SERVES_AGAIN_WITHIN).pollInterval(Duration.ofMillis(10))
            .until(() -> served.get() > servedBefore);
        long recoveredMillis = (System.nanoTime() - restoredAt) / 1_000_000;
        String summary = String.format("TLS certificate swapped to an unknown CA under load: health reported %s on"
                + " the first check after the failed handshake; %d calls failed during %d failed reconnects; the same"
                + " service served again %d ms after the good certificate returned", report.reasons().get(0).problem(),
            failedWhileImpostor, reconnectsFailed.get(), recoveredMillis);
        System.out.println(summary);
        reporter.publishEntry("tls-certificate-change", summary);
        assertThat(redis.get("tls-swap:1")).isNotNull();
        assertThat(health.health().status()).isEqualTo(HealthStatus.UP);
      } finally {
        stop.set(true);
        load.join(10_000);
        events.dispose();
      }
    } finally {
      admin.shutdown();
    }
  }

  /** Writes {@code replacement}'s certificate and key over {@code current}'s files and makes the server load them. */
  private static void swap(StatefulRedisConnection<String, String> control, TlsFiles replacement, TlsFiles current)
      throws IOException {
    Files.copy(replacement.certificate(), current.certificate(), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(replacement.privateKey(), current.privateKey(), StandardCopyOption.REPLACE_EXISTING);
    assertThat(control.sync().configSet("tls-cert-file", current.certificate().toString())).isEqualTo("OK");
  }
}
