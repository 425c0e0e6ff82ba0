package com.cloutsy.redis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.embedded.EmbeddedRedis;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The service as the README starts it, in the dev profile in a JVM of its own with no Redis configured: it starts the
 * embedded Redis,
 * says where the ops page is, answers with the default settings, and stops with the redis-server on Ctrl-C (SIGINT
 * to the whole process group, as a terminal sends it, so the redis-server gets it too) and on SIGTERM to the JVM
 * alone (as {@code kill} or a process manager sends it). Without the dev profile it starts no Redis of its own: it
 * starts without one, not ready, and becomes ready once a Redis answers; with lazy connect off it refuses to start.
 */
class DemoProcessTest {

  private static final Pattern OPS_LINE = Pattern.compile("Ops page: http://localhost:(\\d+)/ops");
  private static final Pattern EMBEDDED_LINE =
      Pattern.compile("started an embedded redis-server at redis://127\\.0\\.0\\.1:(\\d+) \\(pid (\\d+)\\)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final long EXIT_TIMEOUT_SECONDS = 30;

  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  void aSignalStopsTheServiceAndItsEmbeddedRedis(String signal, @TempDir Path dir) throws Exception {
    Path output = dir.resolve("demo.out");
    Process service = start(output);
    Optional<ProcessHandle> redis = Optional.empty();
    try {
      String printed = await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200))
          .until(() -> Files.readString(output), text -> OPS_LINE.matcher(text).find() || !service.isAlive());
      Matcher embedded = EMBEDDED_LINE.matcher(printed);
      Matcher ops = OPS_LINE.matcher(printed);
      assertThat(embedded.find() && ops.find()).as("the service's output:%n%s", printed).isTrue();
      int redisPort = Integer.parseInt(embedded.group(1));
      // Taken once: a handle remembers the start time, so it can never stand for a later process with the pid.
      redis = ProcessHandle.of(Long.parseLong(embedded.group(2)));
      assertThat(redis).hasValueSatisfying(server -> assertThat(server.isAlive()).isTrue());

      DemoClient client = new DemoClient(Integer.parseInt(ops.group(1)));
      assertThat(client.get("/actuator/health", null).json().get("components").get("redis").get("details")
          .get("endpoint").asString()).isEqualTo("127.0.0.1:" + redisPort);
      assertThat(client.post("/auth/otp/request", "{\"phone\":\"" + DemoClient.newPhone() + "\"}", null).text())
          .matches("\\{\"expiresIn\":300,\"cooldown\":60,\"devCode\":\"[0-9]{6}\"}");

      signal(service, signal);

      assertThat(service.waitFor(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("the service exits after SIG%s",
          signal).isTrue();
      ProcessHandle server = redis.get();
      await().atMost(Duration.ofSeconds(10)).until(() -> !server.isAlive());
      assertThat(refuses(redisPort)).isTrue();
      assertThat(Files.readString(output)).contains("Redis connection closed").doesNotContain(" ERROR ");
    } finally {
      // Only if the test failed on the way: both processes are this test's own.
      service.destroyForcibly();
      redis.filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void withoutTheDevProfileNoRedisIsStartedAndTheServiceWaitsNotReadyUntilRedisAnswers(@TempDir Path dir)
      throws Exception {
    int closedPort = closedPort();
    Path output = dir.resolve("demo.out");
    Process service = start(output, List.of(), Map.of("REDIS_PORT", Integer.toString(closedPort),
        "DEMO_TOKEN_SECRET", ProdProfileTest.TOKEN_SECRET, "CLOUTSY_REDIS_LOGIN_DEVICE_SECRET",
        ProdProfileTest.DEVICE_SECRET, "CLOUTSY_REDIS_OTP_SECRET", ProdProfileTest.TOKEN_SECRET), List.of());
    try {
      String printed = await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200))
          .until(() -> Files.readString(output), text -> OPS_LINE.matcher(text).find() || !service.isAlive());
      Matcher ops = OPS_LINE.matcher(printed);
      assertThat(ops.find()).as("the service starts without Redis (lazy connect):%n%s", printed).isTrue();
      assertThat(printed).contains("cannot connect to localhost:" + closedPort)
          .doesNotContain("embedded redis-server at", "DEVELOPMENT ONLY");
      DemoClient client = new DemoClient(Integer.parseInt(ops.group(1)));
      assertThat(client.get("/actuator/health/readiness", null).status()).isEqualTo(503);
      assertThat(client.get("/actuator/health/liveness", null).status()).isEqualTo(200);

      try (EmbeddedRedis redis = EmbeddedRedis.builder().port(closedPort).start()) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
            .until(() -> client.get("/actuator/health/readiness", null).status() == 200);
        assertThat(redis.isRunning()).isTrue();
      }
    } finally {
      service.destroyForcibly();
    }
  }

  @Test
  void withLazyConnectOffStartUpNamesTheRedisThatDidNotAnswer(@TempDir Path dir) throws Exception {
    int closedPort = closedPort();
    Path output = dir.resolve("demo.out");
    Process service = start(output, List.of(), Map.of("REDIS_PORT", Integer.toString(closedPort),
        "REDIS_LAZY_CONNECT", "false", "DEMO_TOKEN_SECRET", ProdProfileTest.TOKEN_SECRET), List.of());
    try {
      assertThat(service.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the service gives up").isTrue();
      String printed = Files.readString(output);
      assertThat(service.exitValue()).as(printed).isNotZero();
      assertThat(printed)
          .contains("APPLICATION FAILED TO START", "Could not connect to Redis at localhost:" + closedPort)
          .doesNotContain("embedded redis-server at", "DEVELOPMENT ONLY");
    } finally {
      service.destroyForcibly();
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return free.getLocalPort();
    }
  }

  /**
   * Starts {@code DemoApplication.main} in the dev profile on a free port with no Redis configured, in a process
   * group of its own as a terminal's foreground job is ({@code setsid}). SIGINT is reset to its default disposition
   * on the way ({@code env --default-signal}), because a JVM started from a background job inherits it ignored and
   * would never see Ctrl-C, which a terminal always delivers. Both tools exec, so the service's pid is the child's.
   */
  private static Process start(Path output) throws IOException {
    return start(output, List.of(), Map.of(), List.of("--spring.profiles.active=dev"));
  }

  /**
   * Starts the service as {@link #start(Path)} does, with {@code jvmOptions}, {@code variables} in the environment
   * besides {@code PORT=0}, and {@code arguments} (the README's {@code -Dspring-boot.run.profiles=dev} passes
   * {@code --spring.profiles.active=dev}).
   */
  static Process start(Path output, List<String> jvmOptions, Map<String, String> variables, List<String> arguments)
      throws IOException {
    List<String> command = new ArrayList<>(List.of("setsid", "env", "--default-signal=INT",
        ProcessHandle.current().info().command().orElseThrow(), "-XX:TieredStopAtLevel=1"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), DemoApplication.class.getName()));
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("REDIS_") || name.startsWith("CLOUTSY_")
        || name.startsWith("DEMO_") || name.startsWith("SPRING_"));
    environment.put("PORT", "0");
    environment.putAll(variables);
    return builder.start();
  }

  /** SIGINT to the service's process group, as Ctrl-C; SIGTERM to the JVM alone. */
  private static void signal(Process service, String signal) throws IOException, InterruptedException {
    String target = signal.equals("INT") ? "-" + service.pid() : Long.toString(service.pid());
    Process kill = new ProcessBuilder("kill", "-s", signal, "--", target).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -s %s", signal).isTrue();
  }

  private static boolean refuses(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      return false;
    } catch (IOException refused) {
      return true;
    }
  }
}
