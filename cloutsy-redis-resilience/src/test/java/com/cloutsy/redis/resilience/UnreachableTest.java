package com.cloutsy.redis.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Redis is not there when the application starts: nothing listens on the port, or something accepts the connection
 * and never says a word. Start-up must fail within the connect timeout, naming the endpoint, and the same service
 * must start once the server is there, leaving nothing behind from the failed attempts.
 */
class UnreachableTest {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration START_BOUND = CONNECT_TIMEOUT.plusMillis(500);

  @Test
  void startUpFailsWithinTheConnectTimeoutAndTheSameServiceStartsOnceRedisIsThere() throws IOException {
    Leaks leaks = Leaks.snapshot();
    Findings findings = new Findings(6, "Unreachable at start-up",
        "RedisService.create(...).start() against a port where nothing listens, then against a plain socket that"
            + " accepts and reads but never answers; then the first service instance is started again once a real"
            + " server listens on that port. Connect timeout " + Findings.millis(CONNECT_TIMEOUT) + ".");
    int port = freePort();
    try (RedisService cold = RedisService.create(settings(port))) {
      findings.figure("first failed start in this JVM, loading Lettuce, Netty and the epoll transport",
          Findings.millis(Duration.ofNanos(timeFailedStart(cold::start, port))));
    }
    RedisService service = RedisService.create(settings(port));
    long refusedNanos = timeFailedStart(service::start, port);
    findings.within("start with nothing listening fails (RedisUnavailableException naming the endpoint) within",
        Duration.ofNanos(refusedNanos), START_BOUND);

    try (SilentServer silent = new SilentServer(); RedisService hung = RedisService.create(settings(silent.port()))) {
      long silentNanos = timeFailedStart(hung::start, silent.port());
      findings.within("start against a server that never answers fails within", Duration.ofNanos(silentNanos),
          START_BOUND);
      findings.figure("connections the silent server accepted", silent.accepted());
    }

    long connections;
    try (EmbeddedRedis server = EmbeddedRedis.builder().port(port).start(); Admin admin = new Admin(server.port())) {
      long starting = System.nanoTime();
      service.start();
      Duration started = Duration.ofNanos(System.nanoTime() - starting);
      service.set("k", "v");
      assertThat(service.get("k")).isEqualTo("v");
      findings.within("the same service instance starts once the server listens", started, Mode.RECOVERY_BOUND);
      service.close();
      connections = Leaks.connections(admin);
    }
    Checks.leaks(findings, leaks, connections);
    Leaks idiom = Leaks.snapshot();
    timeFailedStart(() -> RedisService.start(settings(port)), port);
    List<String> leftByStaticStart = idiom.threads();
    findings.figure("threads left behind by a failed RedisService.start(settings), which returns no instance to"
        + " close" + (leftByStaticStart.isEmpty() ? "" : " " + leftByStaticStart), leftByStaticStart.size());
    if (!leftByStaticStart.isEmpty()) {
      findings.note("Regression of a leak found by this test: the static `RedisService.start(settings)` is"
          + " `create(settings).start()`, and when `start()` throws the caller has no instance to close, so the"
          + " service must close itself; here " + leftByStaticStart.size() + " threads of failed starts were left"
          + " behind. RedisService.start now closes the service when start fails; `aFailedStaticStartLeavesNoThreads`"
          + " reproduces the failed start and passes since.");
    }
    findings.publish().assertHold();
  }

  @Test
  void aFailedStaticStartLeavesNoThreads() throws IOException {
    int port = freePort();
    Leaks leaks = Leaks.snapshot();
    assertThatThrownBy(() -> RedisService.start(settings(port))).isInstanceOf(RedisUnavailableException.class);
    assertThat(leaks.threads()).isEmpty();
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  private static long timeFailedStart(ThrowingCallable start, int port) {
    long started = System.nanoTime();
    assertThatThrownBy(start).isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("127.0.0.1:" + port);
    return System.nanoTime() - started;
  }

  private static RedisSettings settings(int port) {
    return RedisSettings.builder().host("127.0.0.1").port(port).commandTimeout(Mode.COMMAND_TIMEOUT)
        .connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** Accepts connections and reads whatever comes, answering nothing: a hung server. */
  private static final class SilentServer implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final Thread acceptor = new Thread(this::accept, "resilience-silent-server");

    SilentServer() throws IOException {
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    int accepted() {
      return clients.size();
    }

    private void accept() {
      while (!socket.isClosed()) {
        try {
          Socket client = socket.accept();
          clients.add(client);
          Thread reader = new Thread(() -> drain(client), "resilience-silent-reader");
          reader.setDaemon(true);
          reader.start();
        } catch (IOException closed) {
          return;
        }
      }
    }

    private static void drain(Socket client) {
      byte[] buffer = new byte[1024];
      try (InputStream in = client.getInputStream()) {
        while (in.read(buffer) >= 0) {
          // Read and say nothing.
        }
      } catch (IOException closed) {
        // The client gave up.
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket client : clients) {
        client.close();
      }
      try {
        acceptor.join(5_000);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
