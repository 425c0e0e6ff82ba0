package com.cloutsy.redis.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmbeddedRedisShutdownHookTest {

  private static final Pattern STARTED = Pattern.compile("pid=(\\d+) port=(\\d+)");
  private static final long CHILD_TIMEOUT_SECONDS = 60;

  @ParameterizedTest
  @ValueSource(strings = {"run", "pause"})
  void leavesNoServerBehindWhenTheJvmExitsWithoutClose(String mode, @TempDir Path dir) throws Exception {
    Path output = dir.resolve("child.out");
    Process child = new ProcessBuilder(
        ProcessHandle.current().info().command().orElseThrow(),
        "-cp", System.getProperty("java.class.path"),
        OrphanedServerMain.class.getName(), mode)
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
    boolean exited = child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!exited) {
      child.destroyForcibly();
    }
    String printed = Files.readString(output);
    assertThat(exited).as("child JVM exits on its own; output:%n%s", printed).isTrue();
    Matcher started = STARTED.matcher(printed);
    assertThat(started.find()).as("child output:%n%s", printed).isTrue();
    long pid = Long.parseLong(started.group(1));
    int port = Integer.parseInt(started.group(2));
    // Taken once: a handle remembers the start time, so it can never kill a later process that reuses the pid.
    Optional<ProcessHandle> server = ProcessHandle.of(pid);

    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> Loopback.isGone(pid));
      assertThat(Loopback.refuses(port)).isTrue();
    } finally {
      // Only if the hook failed: that server is ours, started by the child above.
      server.filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
