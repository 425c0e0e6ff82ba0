package com.cloutsy.redis.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One redis-server OS process: spawned from a config file, probed until it answers, signalled, stopped.
 *
 * <p>Output goes to a log file that is appended to across restarts; error messages quote the lines this process
 * wrote. Not thread-safe: {@link EmbeddedRedis} serializes the calls.
 */
final class RedisProcess {

  /** How a start ended when it did not throw. */
  enum Start { READY, PORT_IN_USE }

  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final long PROBE_INTERVAL_MILLIS = 20;
  private static final int LOG_TAIL_LINES = 20;
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private final Process process;
  private final RedisBinary binary;
  private final Path log;
  private final long logOffset;

  private RedisProcess(Process process, RedisBinary binary, Path log, long logOffset) {
    this.process = process;
    this.binary = binary;
    this.log = log;
    this.logOffset = logOffset;
  }

  static RedisProcess spawn(RedisBinary binary, Path conf, Path log, boolean sentinel) {
    // Only a file system root has no parent, and a root is no configuration file.
    Path directory = Objects.requireNonNull(conf.toAbsolutePath().getParent(), () -> "not a file: " + conf);
    List<String> command = new ArrayList<>();
    // In a session of its own the server does not get the terminal's Ctrl-C, which is for the JVM: the JVM stops it
    // after the clients that use it, instead of the server vanishing under them. setsid execs in place (a child of
    // the JVM is no process group leader), so the pid stays the server's.
    if (Files.isExecutable(SETSID)) {
      command.add(SETSID.toString());
    }
    command.add(binary.path().toString());
    command.add(conf.toString());
    if (sentinel) {
      command.add("--sentinel");
    }
    try {
      long offset = Files.exists(log) ? Files.size(log) : 0;
      Process process = new ProcessBuilder(command)
          .directory(directory.toFile())
          .redirectErrorStream(true)
          .redirectOutput(Redirect.appendTo(log.toFile()))
          .start();
      Reaper.watch(process);
      process.getOutputStream().close();
      return new RedisProcess(process, binary, log, offset);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + binary.path() + " (from " + binary.origin() + ")", e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until this process answers on {@code port} with its own process id, so another server that happens to
   * hold the port is never mistaken for it.
   *
   * @return {@link Start#PORT_IN_USE} if the process exited because it could not bind
   * @throws IllegalStateException with the log's last lines if it exited otherwise or did not answer in time; the
   *     process is killed first
   */
  Start awaitReady(int port, @Nullable String password, @Nullable Path trustedCa, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        Reaper.forget(process);
        if (output().contains("Address already in use")) {
          return Start.PORT_IN_USE;
        }
        throw failure("exited with code " + process.exitValue() + " before answering on port " + port);
      }
      if (answersAsItself(port, password, trustedCa)) {
        return Start.READY;
      }
      if (System.nanoTime() - deadline >= 0) {
        kill();
        throw failure("did not answer on port " + port + " within " + timeout.toSeconds() + " s");
      }
      try {
        Thread.sleep(PROBE_INTERVAL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        kill();
        throw new IllegalStateException("Interrupted while waiting for redis-server on port " + port, e);
      }
    }
  }

  private boolean answersAsItself(int port, @Nullable String password, @Nullable Path trustedCa) {
    try (RespConnection connection = RespConnection.open(EmbeddedRedis.HOST, port, PROBE_TIMEOUT, trustedCa)) {
      if (password != null) {
        connection.call("AUTH", password);
      }
      Object reply = connection.call("INFO", "server");
      if (reply instanceof String info) {
        return info.contains("\r\nprocess_id:" + process.pid() + "\r\n");
      }
      // Refused for want of credentials (an ACL user, say) yet answering: its identity cannot be checked, so the
      // process being alive has to do. LOADING means it is not ready yet.
      return reply instanceof RespConnection.ErrorReply error
          && !error.message().startsWith("LOADING")
          && process.isAlive();
    } catch (IOException e) {
      return false;
    }
  }

  /** Sends a signal such as {@code STOP} or {@code CONT} with the Unix {@code kill} command. */
  void signal(String name) {
    Process kill;
    try {
      kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UnsupportedOperationException("Sending SIG" + name + " needs the Unix kill command", e);
    }
    try {
      if (!kill.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        kill.destroyForcibly();
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " did not finish");
      }
      if (kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: "
            + new String(kill.getInputStream().readAllBytes(), UTF_8).strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while sending SIG" + name + " to " + process.pid(), e);
    }
  }

  /** Kills the server at once (SIGKILL), as a crash or a power cut would: no shutdown, no final save. */
  void crash() {
    kill();
  }

  /** Asks the server to shut down (SIGTERM), then kills it if it has not exited within a few seconds. */
  void stop() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    } finally {
      Reaper.forget(process);
    }
  }

  private void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("redis-server " + process.pid() + " survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Reaper.forget(process);
  }

  /** An exception saying what went wrong with this process, with the last lines it logged. */
  IllegalStateException failure(String what) {
    List<String> lines = Arrays.asList(output().split("\n"));
    String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    return new IllegalStateException("redis-server " + binary.version() + " (" + binary.path() + ", pid "
        + process.pid() + ") " + what + "; last lines of " + log + ":\n" + tail);
  }

  // Only what this process wrote: the file also holds the output of earlier starts.
  private String output() {
    try (InputStream in = Files.newInputStream(log)) {
      in.skipNBytes(logOffset);
      return new String(in.readAllBytes(), UTF_8);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }
}
