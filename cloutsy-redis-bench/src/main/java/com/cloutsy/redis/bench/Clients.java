package com.cloutsy.redis.bench;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.config.RedisSettings;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.resource.ClientResources;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.SingleServerConfig;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Every client of one run, all on one server and all counted by one {@link Traffic}: this project's
 * {@link RedisService} and the Lettuce resources it shares with Spring Data Redis, an admin connection for
 * {@code INFO} and {@code MEMORY USAGE}, and, when a scenario asks for them, Redisson and a Spring Lettuce connection
 * factory. Closes them all.
 */
final class Clients implements AutoCloseable {

  private final String url;
  private final RedisURI uri;
  private final @Nullable String username;
  private final @Nullable String password;
  private final Traffic traffic = new Traffic();
  private final ClientResources resources;
  private final RedisService redis;
  private final StatefulRedisConnection<String, String> adminConnection;
  private final RedisCommands<String, String> admin;
  private @Nullable RedissonClient redisson;
  private @Nullable LettuceConnectionFactory spring;

  Clients(String url) {
    this.url = url;
    this.uri = RedisURI.create(url);
    // redis://[[user]:password@]host:port, as Lettuce reads it, for the clients that take credentials apart.
    String userInfo = URI.create(url).getUserInfo();
    int colon = userInfo == null ? -1 : userInfo.indexOf(':');
    this.username = colon > 0 ? userInfo.substring(0, colon) : null;
    this.password = userInfo == null ? null : colon >= 0 ? userInfo.substring(colon + 1) : userInfo;
    this.resources = ClientResources.builder().nettyCustomizer(traffic).build();
    this.redis = RedisService.create(RedisSettings.builder().url(url).build(), resources).start();
    this.adminConnection = redis.client().connect(StringCodec.UTF8, redis.redisUri());
    this.admin = adminConnection.sync();
  }

  /** This project's service: one multiplexed connection. */
  RedisService redis() {
    return redis;
  }

  /** A connection of the harness's own, for INFO, MEMORY USAGE, SCAN and setup. */
  RedisCommands<String, String> admin() {
    return admin;
  }

  Traffic traffic() {
    return traffic;
  }

  /** The server's address, e.g. {@code redis://127.0.0.1:6390}. */
  String url() {
    return url;
  }

  RedisURI uri() {
    return uri;
  }

  /** The password in the URL, for redis-benchmark; null when there is none. */
  @Nullable String password() {
    return password;
  }

  /**
   * Redisson with its defaults (a pool of 24 to 64 connections, 32 Netty threads, its Kryo codec), except that it
   * sends no PING every 30 s, which would land in the command counts.
   */
  synchronized RedissonClient redisson() {
    if (redisson == null) {
      Config config = new Config();
      config.setNettyHook(traffic);
      SingleServerConfig server = config.useSingleServer()
          .setAddress((uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort())
          .setDatabase(uri.getDatabase())
          .setPingConnectionInterval(0);
      if (password != null) {
        server.setPassword(password);
        server.setUsername(username);
      }
      redisson = Redisson.create(config);
    }
    return redisson;
  }

  /**
   * Spring Data Redis's Lettuce connection factory with its defaults (one shared native connection for every
   * thread), on this run's Lettuce resources so its traffic is counted.
   */
  synchronized LettuceConnectionFactory spring() {
    if (spring == null) {
      RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(uri.getHost(), uri.getPort());
      server.setDatabase(uri.getDatabase());
      if (password != null) {
        server.setPassword(RedisPassword.of(password));
        server.setUsername(username);
      }
      LettuceConnectionFactory factory = new LettuceConnectionFactory(server,
          LettuceClientConfiguration.builder().clientResources(resources).build());
      factory.afterPropertiesSet();
      factory.start();
      spring = factory;
    }
    return spring;
  }

  /** The server's version, e.g. {@code 6.2.11}. */
  String serverVersion() {
    return admin.info("server").lines().filter(line -> line.startsWith("redis_version:"))
        .map(line -> line.substring("redis_version:".length()).strip()).findFirst().orElse("unknown");
  }

  /** CPU time the server has used, user and system, in microseconds (INFO cpu; getrusage's resolution). */
  long serverCpuMicros() {
    double seconds = admin.info("cpu").lines()
        .filter(line -> line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(':') + 1).strip()))
        .sum();
    return Math.round(seconds * 1_000_000);
  }

  /** {@code MEMORY USAGE key SAMPLES 0}: every element counted, not estimated from a sample; 0 if the key is gone. */
  long memoryUsage(String key) {
    Long bytes = admin.dispatch(CommandType.MEMORY, new IntegerOutput<>(StringCodec.UTF8),
        new CommandArgs<>(StringCodec.UTF8).add("USAGE").addKey(key).add("SAMPLES").add(0));
    return bytes == null ? 0 : bytes;
  }

  /** The keys matching a glob pattern, by SCAN. */
  List<String> keysMatching(String pattern) {
    List<String> keys = new ArrayList<>();
    ScanArgs match = ScanArgs.Builder.matches(pattern).limit(1_000);
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = admin.scan(cursor, match);
      keys.addAll(page.getKeys());
      cursor = page;
    } while (!cursor.isFinished());
    return keys;
  }

  /** Deletes the keys (UNLINK), in batches. */
  void delete(List<String> keys) {
    for (int from = 0; from < keys.size(); from += 1_000) {
      admin.unlink(keys.subList(from, Math.min(keys.size(), from + 1_000)).toArray(String[]::new));
    }
  }

  @Override
  public void close() {
    if (redisson != null) {
      redisson.shutdown();
    }
    if (spring != null) {
      spring.destroy();
    }
    adminConnection.close();
    redis.close();
    // A quiet period lets the connections' last events out before the event loops stop.
    // Not awaited: the run is over, and the event loops stop within the timeout on their own.
    Future<Boolean> unused = resources.shutdown(200, 2_000, TimeUnit.MILLISECONDS);
  }
}
