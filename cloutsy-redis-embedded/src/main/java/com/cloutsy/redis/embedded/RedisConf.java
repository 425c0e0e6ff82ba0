package com.cloutsy.redis.embedded;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The redis.conf of an embedded server: fixed loopback and no-persistence settings, then the caller's directives,
 * then the repeatable lines ({@code user}, {@code sentinel}) that a map of directives cannot hold twice.
 *
 * <p>Written anew before every start, so a port chosen on a retry takes effect. With TLS the server's one port is a
 * TLS port and the plain-text port is off. {@link #toString()} masks the values of directives that hold secrets.
 */
final class RedisConf {

  private static final Logger LOG = LoggerFactory.getLogger(RedisConf.class);
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");
  // Owned by EmbeddedRedis: changing them would break loopback-only binding, the log capture or the stop logic.
  private static final Set<String> MANAGED =
      Set.of("port", "tls-port", "bind", "dir", "daemonize", "logfile", "include", "protected-mode");
  private static final Set<String> SECRET = Set.of("requirepass", "masterauth", "user");
  // Added in Redis 7.0 to lock down features that 6.2 leaves open, so skipping them on 6.2 changes nothing.
  private static final Set<String> SINCE_7 =
      Set.of("enable-debug-command", "enable-module-command", "enable-protected-configs");

  private final Map<String, String> directives;
  private final List<String> lines;
  private final @Nullable TlsFiles tls;

  RedisConf(Map<String, String> directives) {
    this(directives, List.of(), null);
  }

  RedisConf(Map<String, String> directives, List<String> lines, @Nullable TlsFiles tls) {
    this.directives = new LinkedHashMap<>(directives);
    this.lines = List.copyOf(lines);
    this.tls = tls;
  }

  /** The TLS files when the server listens with TLS only, else null. */
  @Nullable TlsFiles tls() {
    return tls;
  }

  /**
   * Normalizes and checks one directive for the builder.
   *
   * @throws IllegalArgumentException naming the directive if EmbeddedRedis manages it or it would inject lines
   */
  static String checkedName(String name, String value) {
    String normalized = name.strip().toLowerCase(Locale.ROOT);
    if (!NAME.matcher(normalized).matches()) {
      throw new IllegalArgumentException("config name must be a redis.conf directive, was \"" + name + "\"");
    }
    if (MANAGED.contains(normalized)) {
      throw new IllegalArgumentException(normalized + " is managed by EmbeddedRedis and cannot be configured");
    }
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("config " + normalized + " must be a single line");
    }
    return normalized;
  }

  /** The requirepass value, which the readiness probe needs to authenticate. */
  @Nullable String password() {
    return directives.get("requirepass");
  }

  String render(int port, Path dir, RedisBinary binary) {
    StringBuilder conf = new StringBuilder()
        .append("# Written by cloutsy-redis-embedded before every start.\n");
    if (tls == null) {
      conf.append("port ").append(port).append('\n');
    } else {
      // TLS only: a client that asks for TLS can never end up on a plain-text port of this server by mistake.
      conf.append("port 0\n")
          .append("tls-port ").append(port).append('\n')
          .append("tls-cert-file ").append(quoted(tls.certificate().toString())).append('\n')
          .append("tls-key-file ").append(quoted(tls.privateKey().toString())).append('\n')
          .append("tls-ca-cert-file ").append(quoted(tls.caCertificate().toString())).append('\n')
          .append("tls-auth-clients no\n");
    }
    conf.append("bind 127.0.0.1\n")
        .append("protected-mode yes\n")
        .append("daemonize no\n")
        .append("logfile \"\"\n")
        .append("save \"\"\n")
        .append("appendonly no\n")
        .append("dir ").append(quoted(dir.toString())).append('\n');
    directives.forEach((name, value) -> {
      if (SINCE_7.contains(name) && binary.majorVersion() < 7) {
        LOG.debug("Skipping {}: redis-server {} does not know it and allows the feature anyway", name,
            binary.version());
        return;
      }
      conf.append(name).append(' ').append(value.isEmpty() ? "\"\"" : value).append('\n');
    });
    lines.forEach(line -> conf.append(line).append('\n'));
    return conf.toString();
  }

  @Override
  public String toString() {
    StringJoiner joiner = new StringJoiner(", ", "{", "}");
    directives.forEach((name, value) -> joiner.add(name + "=" + (SECRET.contains(name) ? "****" : value)));
    lines.forEach(line -> {
      int space = line.indexOf(' ');
      String name = space < 0 ? line : line.substring(0, space);
      joiner.add(SECRET.contains(name) ? name + "=****" : line);
    });
    if (tls != null) {
      joiner.add("tls=" + tls.certificate().getFileName());
    }
    return joiner.toString();
  }

  private static String quoted(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
