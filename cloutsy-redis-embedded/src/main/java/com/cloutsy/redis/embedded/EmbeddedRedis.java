package com.cloutsy.redis.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real redis-server process on 127.0.0.1, for tests and the zero-setup demo.
 *
 * <p>Each server has its own temporary working directory (config and log) and runs without persistence
 * ({@code save ""}, {@code appendonly no}) unless configured otherwise. Starting blocks until the server answers,
 * at most about 10 s; the first start in a JVM also finds the binary, which may unpack one from the embedded-redis
 * jar (see {@link Builder#binary(Path)} for the order). A JVM shutdown hook kills every server still running, so
 * a forgotten {@link #close()} leaves no orphan process unless the JVM itself is killed.
 *
 * <p>Thread-safe: lifecycle methods are serialized on the instance.
 */
public final class EmbeddedRedis implements AutoCloseable {

  static final String HOST = "127.0.0.1";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration BIND_RETRY = Duration.ofSeconds(5);
  private static final long BIND_RETRY_INTERVAL_MILLIS = 50;
  private static final int FREE_PORT_ATTEMPTS = 5;

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);
  private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._-]+");

  private final RedisBinary binary;
  private final RedisConf conf;
  private final Path workDir;
  private final boolean sentinel;
  private volatile int port;
  private @Nullable RedisProcess process;
  private boolean paused;
  private boolean closed;

  private EmbeddedRedis(RedisBinary binary, RedisConf conf, Path workDir, int port, boolean sentinel) {
    this.binary = binary;
    this.conf = conf;
    this.workDir = workDir;
    this.port = port;
    this.sentinel = sentinel;
  }

  /**
   * Starts a server on a free port with the default settings.
   *
   * @return the running server; close it when done
   * @throws IllegalStateException if no binary is found or the server does not answer, with its last log lines
   */
  public static EmbeddedRedis start() {
    return builder().start();
  }

  /**
   * Tells whether the redis-server that {@link #start()} would use is built with TLS, so a test can skip with a
   * clear message instead of failing. The bundled Linux x86-64 binary is (it needs libssl 3); Debian's package is.
   *
   * @return whether {@link Builder#tls} servers can start
   */
  public static boolean supportsTls() {
    return RedisBinary.fromEnvironment().supportsTls();
  }

  /**
   * Describes the redis-server that {@link #start()} would use: version, path and where it was found.
   *
   * @return for example {@code redis-server 6.2.11 at /tmp/.../redis-server (bundled in ...)}
   */
  public static String binaryDescription() {
    RedisBinary binary = RedisBinary.fromEnvironment();
    return "redis-server " + binary.version() + " at " + binary.path() + " (" + binary.origin() + ")";
  }

  /**
   * Returns a builder for a server with a chosen port, extra redis.conf directives or a given binary.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the address the server listens on, always {@code 127.0.0.1}.
   *
   * @return {@code 127.0.0.1}
   */
  public String host() {
    return HOST;
  }

  /**
   * Returns the TCP port, which stays the same across {@link #stop()} and {@link #restart()}.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Returns {@code redis://127.0.0.1:PORT}, or {@code rediss://127.0.0.1:PORT} for a {@link Builder#tls TLS} server;
   * without credentials even if {@code requirepass} is configured.
   *
   * @return the URI for a client
   */
  public String uri() {
    return (conf.tls() == null ? "redis://" : "rediss://") + HOST + ":" + port;
  }

  /**
   * Tells whether the server listens with TLS only ({@link Builder#tls}).
   *
   * @return whether clients must connect with TLS
   */
  public boolean isTls() {
    return conf.tls() != null;
  }

  /**
   * Returns host, port and URI as an endpoint.
   *
   * @return the endpoint of this server
   */
  public RedisEndpoint endpoint() {
    return new RedisEndpoint(HOST, port, uri());
  }

  /**
   * Returns the process id of the running server, or of the last one if it is stopped.
   *
   * @return the operating-system process id
   */
  public synchronized long pid() {
    return requireProcess().pid();
  }

  /**
   * Tells whether the server process is alive; a paused server is running.
   *
   * @return whether the process is alive
   */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Stops the server (SIGTERM, then SIGKILL after a few seconds) and keeps port and config for {@link #restart()}.
   *
   * <p>Does nothing if it is not running. Clients see their connections closed and new ones refused. A paused
   * server is resumed first so it can act on SIGTERM.
   */
  public synchronized void stop() {
    boolean wasPaused = paused;
    paused = false;
    if (process == null || !process.isAlive()) {
      return;
    }
    if (wasPaused) {
      process.signal("CONT");
    }
    process.stop();
    LOG.debug("Stopped redis-server on port {}", port);
  }

  /**
   * Kills the server at once with SIGKILL, as a crash or a lost host would: no shutdown, no final save, no goodbye
   * to replicas or a cluster. Keeps port and config for {@link #restart()}; does nothing if it is not running.
   *
   * <p>For failover tests: a replica or the cluster notices only by timeouts, as in production.
   */
  public synchronized void kill() {
    paused = false;
    if (process == null || !process.isAlive()) {
      return;
    }
    process.crash();
    LOG.debug("Killed redis-server on port {}", port);
  }

  /**
   * Stops the server if it runs and starts it again on the same port, with empty data unless persistence was
   * configured.
   *
   * <p>Safe right after {@link #stop()}: if the port cannot be bound yet, it retries for a few seconds.
   *
   * @throws IllegalStateException if closed, or if the server does not come back, with its last log lines
   */
  public synchronized void restart() {
    requireOpen();
    stop();
    launchOnFixedPort();
  }

  /**
   * Freezes the server with SIGSTOP: it keeps its port and connections but answers nothing, like a stalled host.
   *
   * <p>For fault tests of timeouts. Unix only: it runs the {@code kill} command. Connections still complete,
   * because the kernel accepts them on the frozen server's behalf.
   *
   * @throws IllegalStateException if the server is not running
   * @throws UnsupportedOperationException if there is no {@code kill} command
   */
  public synchronized void pause() {
    requireRunning().signal("STOP");
    paused = true;
  }

  /**
   * Thaws a server frozen by {@link #pause()} with SIGCONT; it then answers the requests that waited. Unix only.
   *
   * @throws IllegalStateException if the server is not running
   * @throws UnsupportedOperationException if there is no {@code kill} command
   */
  public synchronized void resume() {
    requireRunning().signal("CONT");
    paused = false;
  }

  /**
   * Stops the server and deletes its working directory; calling it again does nothing.
   *
   * @throws UncheckedIOException if the working directory cannot be deleted
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop();
    deleteRecursively(workDir);
  }

  /**
   * Describes the server without secrets: the {@code requirepass} value, for one, is masked.
   *
   * @return port, state, version and configured directives
   */
  @Override
  public synchronized String toString() {
    return "EmbeddedRedis[" + uri() + ", " + (isRunning() ? "running" : "stopped") + (paused ? ", paused" : "")
        + ", redis-server " + binary.version() + ", config=" + conf + "]";
  }

  /**
   * Sends one command on a new connection (with TLS and {@code requirepass} as configured) and returns the reply:
   * {@link String}, {@link Long}, {@link List}, null, or a {@link RespConnection.ErrorReply}. For the topologies
   * that set up clusters and sentinels with commands.
   */
  @Nullable Object call(String... command) {
    TlsFiles tls = conf.tls();
    try (RespConnection connection = RespConnection.open(HOST, port, ADMIN_TIMEOUT,
        tls == null ? null : tls.caCertificate())) {
      String password = conf.password();
      if (password != null) {
        connection.call("AUTH", password);
      }
      return connection.call(command);
    } catch (IOException e) {
      throw new UncheckedIOException("redis-server on port " + port + " did not answer " + command[0], e);
    }
  }

  /** {@link #call} for a command whose reply is text, such as INFO or CLUSTER NODES; an error reply throws. */
  String callText(String... command) {
    Object reply = call(command);
    if (reply instanceof String text) {
      return text;
    }
    throw new IllegalStateException(String.join(" ", command) + " on port " + port + " answered " + reply);
  }

  private void launchOnFreePort() {
    for (int attempt = 1; ; attempt++) {
      port = freePort();
      RedisProcess started = spawn();
      if (started.awaitReady(port, conf.password(), trustedCa(), READY_TIMEOUT) == RedisProcess.Start.READY) {
        return;
      }
      // Another process took the port between our probe and the server's bind: pick another.
      if (attempt == FREE_PORT_ATTEMPTS) {
        throw started.failure("found no free port in " + FREE_PORT_ATTEMPTS + " attempts");
      }
    }
  }

  private void launchOnFixedPort() {
    long deadline = System.nanoTime() + BIND_RETRY.toNanos();
    while (true) {
      RedisProcess started = spawn();
      if (started.awaitReady(port, conf.password(), trustedCa(), READY_TIMEOUT) == RedisProcess.Start.READY) {
        return;
      }
      // The port may be held for a moment after a stop, or by a process that is about to go: try again briefly.
      if (System.nanoTime() - deadline >= 0) {
        throw started.failure("could not bind port " + port + " within " + BIND_RETRY.toSeconds() + " s");
      }
      try {
        Thread.sleep(BIND_RETRY_INTERVAL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while restarting redis-server on port " + port, e);
      }
    }
  }

  private RedisProcess spawn() {
    Path confFile = workDir.resolve("redis.conf");
    try {
      Files.writeString(confFile, conf.render(port, workDir, binary), UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + confFile, e);
    }
    RedisProcess started = RedisProcess.spawn(binary, confFile, workDir.resolve("redis.log"), sentinel);
    process = started;
    LOG.debug("Started redis-server {} pid {} on port {}", binary.version(), started.pid(), port);
    return started;
  }

  private @Nullable Path trustedCa() {
    TlsFiles tls = conf.tls();
    return tls == null ? null : tls.caCertificate();
  }

  private RedisProcess requireProcess() {
    if (process == null) {
      throw new IllegalStateException("EmbeddedRedis was never started");
    }
    return process;
  }

  private RedisProcess requireRunning() {
    requireOpen();
    RedisProcess running = requireProcess();
    if (!running.isAlive()) {
      throw new IllegalStateException("redis-server on port " + port + " is not running");
    }
    return running;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("EmbeddedRedis on port " + port + " is closed");
    }
  }

  // HOST is the IPv4 literal the server binds, not a name to resolve: there is no choice of address to make.
  @SuppressWarnings("AddressSelection")
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free port on " + HOST, e);
    }
  }

  private static void deleteRecursively(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + directory, e);
    }
  }

  /**
   * Configures a server before its first start. Not thread-safe; each {@link #start()} starts a new server.
   */
  public static final class Builder {

    private int port;
    private final Map<String, String> config = new LinkedHashMap<>();
    private final List<String> lines = new ArrayList<>();
    private @Nullable Path binary;
    private @Nullable TlsFiles tls;
    private boolean sentinel;

    private Builder() {}

    /**
     * Sets a fixed port instead of a free one; {@code 0}, the default, picks a free port.
     *
     * <p>A fixed port that stays taken makes {@link #start()} fail after a few seconds of retries.
     *
     * @param port 0 or 1-65535
     * @return this builder
     * @throws IllegalArgumentException if the port is out of range
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 (free) or 1-65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Adds a redis.conf directive such as {@code maxmemory 10mb}; the value is written verbatim after the name,
     * an empty value as {@code ""}. Setting the same name again replaces the value.
     *
     * <p>Directives added in Redis 7.0 that only restrict features 6.2 leaves open
     * ({@code enable-debug-command}, {@code enable-module-command}, {@code enable-protected-configs}) are skipped
     * on older binaries, which would refuse to start. The {@code requirepass} value is used to authenticate the
     * readiness probe and never printed.
     *
     * @param name the directive, case-insensitive
     * @param value its arguments as they would appear in redis.conf
     * @return this builder
     * @throws IllegalArgumentException if the directive is one EmbeddedRedis manages ({@code port}, {@code bind},
     *     {@code dir}, {@code daemonize}, {@code logfile}, {@code include}, {@code protected-mode}) or the value
     *     spans lines
     */
    public Builder config(String name, String value) {
      config.put(RedisConf.checkedName(name, value), value);
      return this;
    }

    /**
     * Adds an ACL user, as the redis.conf line {@code user <name> <rules>}; may be called for several users. The
     * rules hold the password ({@code >secret}) and are never printed.
     *
     * <pre>{@code
     * builder.user("app", "on >app-secret ~app:* +@read +@write -@dangerous")
     * }</pre>
     *
     * @param name the user name, letters, digits, dots, dashes and underscores
     * @param rules the ACL rules, on one line
     * @return this builder
     * @throws IllegalArgumentException if the name is not plain or the rules span lines
     */
    public Builder user(String name, String rules) {
      if (!USER_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("user name must be letters, digits, '.', '-' or '_', was \"" + name + "\"");
      }
      RedisConf.checkedName("user", rules);
      lines.add("user " + name + " " + rules);
      return this;
    }

    /**
     * Makes the server listen with TLS only: its one port ({@link EmbeddedRedis#port()}) speaks TLS, there is no
     * plain-text port, and clients need no certificate of their own ({@code tls-auth-clients no}).
     *
     * <p>The redis-server binary must be built with TLS: the Debian package is; of the binaries bundled in
     * embedded-redis, the Linux x86-64 one is (it needs libssl 3 at run time). {@link EmbeddedRedis#supportsTls()}
     * tells. Certificates for tests come from {@link ThrowawayCa}.
     *
     * @param files the server's certificate, key and CA
     * @return this builder
     */
    public Builder tls(TlsFiles files) {
      this.tls = Objects.requireNonNull(files, "files");
      return this;
    }

    /** Adds a redis.conf line that may repeat, such as {@code sentinel monitor ...}; for the topologies. */
    Builder line(String line) {
      RedisConf.checkedName(line.substring(0, Math.max(1, line.indexOf(' '))), line);
      lines.add(line);
      return this;
    }

    /** Runs the server as a Sentinel ({@code redis-server <conf> --sentinel}). */
    Builder sentinel() {
      this.sentinel = true;
      return this;
    }

    /**
     * Uses this redis-server executable instead of searching for one.
     *
     * <p>Without it the binary is, in order: the system property or environment variable
     * {@code REDIS_SERVER_BIN}, {@code redis-server} on {@code PATH}, or the one bundled in
     * {@code com.github.codemonstur:embedded-redis} (Redis 6.2 for Linux and macOS on x86-64 and arm64).
     *
     * @param binary path of redis-server
     * @return this builder
     */
    public Builder binary(Path binary) {
      this.binary = binary;
      return this;
    }

    /**
     * Starts a server with this configuration and waits until it answers.
     *
     * @return the running server; close it when done
     * @throws IllegalStateException if the binary is unusable or the server does not answer, with its last log
     *     lines
     * @throws UncheckedIOException if the working directory cannot be created
     */
    public EmbeddedRedis start() {
      RedisBinary resolved =
          binary == null ? RedisBinary.fromEnvironment() : RedisBinary.of(binary, "EmbeddedRedis.Builder.binary");
      Path workDir;
      try {
        workDir = Files.createTempDirectory("cloutsy-redis-");
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create a working directory for redis-server", e);
      }
      EmbeddedRedis redis =
          new EmbeddedRedis(resolved, new RedisConf(config, lines, tls), workDir, port, sentinel);
      try {
        synchronized (redis) {
          if (port == 0) {
            redis.launchOnFreePort();
          } else {
            redis.launchOnFixedPort();
          }
        }
        return redis;
      } catch (RuntimeException e) {
        redis.close();
        throw e;
      }
    }
  }
}
