package com.cloutsy.redis.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * A redis-server executable and the version it reports, found once per JVM.
 *
 * <p>Resolution order: the system property {@code REDIS_SERVER_BIN}, the environment variable of the same name,
 * {@code redis-server} on {@code PATH}, and last the binary bundled in {@code com.github.codemonstur:embedded-redis}
 * (unpacked into a temporary directory that the JVM deletes on exit).
 *
 * @param path the executable
 * @param version the version from {@code redis-server --version}, such as {@code 6.2.11}
 * @param origin where it was found, for the log and error messages
 */
record RedisBinary(Path path, String version, String origin) {

  static final String SETTING = "REDIS_SERVER_BIN";

  private static final Logger LOG = LoggerFactory.getLogger(RedisBinary.class);
  private static final Pattern VERSION = Pattern.compile("v=\\d+\\.\\d+(\\.\\d+)*");
  private static final long VERSION_TIMEOUT_SECONDS = 10;
  private static final Map<Path, RedisBinary> PROBED = new ConcurrentHashMap<>();
  private static final Map<Path, Boolean> TLS_CAPABLE = new ConcurrentHashMap<>();
  private static @Nullable RedisBinary fromEnvironment;
  private static @Nullable Path bundled;

  /** Resolves from this JVM's system properties and environment, once; later calls return the same binary. */
  static synchronized RedisBinary fromEnvironment() {
    if (fromEnvironment == null) {
      String property = System.getProperty(SETTING);
      fromEnvironment = locate(System.getenv(), property == null ? Map.of() : Map.of(SETTING, property));
    }
    return fromEnvironment;
  }

  /** Applies the resolution order to the given environment and properties, so tests need not change either. */
  static RedisBinary locate(Map<String, String> environment, Map<String, String> properties) {
    String property = properties.get(SETTING);
    if (property != null && !property.isBlank()) {
      return of(explicit(property, "system property " + SETTING), "system property " + SETTING);
    }
    String variable = environment.get(SETTING);
    if (variable != null && !variable.isBlank()) {
      return of(explicit(variable, "environment variable " + SETTING), "environment variable " + SETTING);
    }
    Path onPath = searchPath(environment.getOrDefault("PATH", ""));
    if (onPath != null) {
      return of(onPath, "PATH");
    }
    return of(bundled(), "bundled in com.github.codemonstur:embedded-redis");
  }

  /** Probes {@code path} for its version once per JVM and logs it; an unusable file fails here, not at start. */
  static RedisBinary of(Path path, String origin) {
    return PROBED.computeIfAbsent(path.toAbsolutePath().normalize(), absolute -> probe(absolute, origin));
  }

  /**
   * Whether this binary was built with TLS, probed once: {@code --port 0 --tls-port 0} makes a TLS build exit with
   * "not listen anywhere" and any other build refuse {@code tls-port} as a bad directive. Binds no port.
   */
  boolean supportsTls() {
    return TLS_CAPABLE.computeIfAbsent(path, RedisBinary::probeTls);
  }

  private static boolean probeTls(Path path) {
    try {
      Process process = new ProcessBuilder(path.toString(), "--port", "0", "--tls-port", "0")
          .redirectErrorStream(true).start();
      process.getOutputStream().close();
      if (!process.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      String output = new String(process.getInputStream().readAllBytes(), UTF_8);
      return output.contains("not listen anywhere");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The major version, which decides which redis.conf directives this binary understands. */
  int majorVersion() {
    return Integer.parseInt(version.substring(0, version.indexOf('.')));
  }

  private static Path explicit(String value, String setting) {
    Path path;
    try {
      path = Path.of(value.strip());
    } catch (InvalidPathException e) {
      throw new IllegalStateException(setting + " must be the path of redis-server, was \"" + value + "\"", e);
    }
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(setting + " points to " + path + ", which does not exist or is not a file");
    }
    if (!Files.isExecutable(path)) {
      throw new IllegalStateException(setting + " points to " + path + ", which is not executable");
    }
    return path;
  }

  private static @Nullable Path searchPath(String searchPath) {
    for (String directory : searchPath.split(Pattern.quote(File.pathSeparator), -1)) {
      if (directory.isBlank()) {
        continue;
      }
      Path candidate = Path.of(directory, "redis-server");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  // Unpacked once: each unpack copies about 10 MB into a new temporary directory.
  private static synchronized Path bundled() {
    if (bundled == null) {
      Path path;
      try {
        path = ExecutableProvider.newJarResourceProvider().get().toPath();
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("No redis-server: set " + SETTING + " or put redis-server on PATH;"
            + " embedded-redis bundles none for " + System.getProperty("os.name") + "/"
            + System.getProperty("os.arch") + " or could not unpack it", e);
      }
      if (!Files.isExecutable(path) && !path.toFile().setExecutable(true)) {
        throw new IllegalStateException("Cannot make the unpacked " + path + " executable;"
            + " is the temporary directory mounted noexec? Set " + SETTING + " instead");
      }
      bundled = path;
    }
    return bundled;
  }

  private static RedisBinary probe(Path path, String origin) {
    String output;
    try {
      Process process = new ProcessBuilder(path.toString(), "--version").redirectErrorStream(true).start();
      process.getOutputStream().close();
      // Waits before reading: the few bytes printed fit the pipe buffer, and a hung binary cannot block the read.
      if (!process.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(path + " --version did not finish within " + VERSION_TIMEOUT_SECONDS + " s");
      }
      output = new String(process.getInputStream().readAllBytes(), UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run " + path + " (from " + origin + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + path + " --version", e);
    }
    Matcher matcher = VERSION.matcher(output);
    if (!output.startsWith("Redis server") || !matcher.find()) {
      throw new IllegalStateException(path + " (from " + origin + ") is not redis-server: --version printed \""
          + output + "\"");
    }
    RedisBinary binary = new RedisBinary(path, matcher.group().substring(2), origin);
    LOG.info("Using redis-server {} at {} ({})", binary.version, path, origin);
    return binary;
  }
}
