package com.cloutsy.redis.resilience;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.config.RedisSettings;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;

/**
 * The operator's side of a test server: a connection of its own, with a long timeout, for what the faults need
 * (CLIENT PAUSE, DEBUG SLEEP, CONFIG SET) and what the counts need (CLIENT LIST, INFO). Not part of the load.
 */
final class Admin implements AutoCloseable {

  private final RedisService redis;

  Admin(int port) {
    this.redis = RedisService.start(RedisSettings.builder().host("127.0.0.1").port(port)
        .commandTimeout(Duration.ofSeconds(15)).connectTimeout(Duration.ofSeconds(2)).build());
  }

  RedisCommands<String, String> sync() {
    return redis.connection().sync();
  }

  /** How many client connections the server has besides this one. */
  long otherClients() {
    RedisCommands<String, String> sync = sync();
    String own = "id=" + sync.clientId() + " ";
    return Arrays.stream(sync.clientList().split("\n"))
        .filter(line -> !line.isBlank() && !line.startsWith(own))
        .count();
  }

  /** One field of INFO, e.g. {@code evicted_keys}; empty when absent. */
  String info(String field) {
    return Arrays.stream(sync().info().split("\r?\n"))
        .filter(line -> line.startsWith(field + ":"))
        .map(line -> line.substring(field.length() + 1).trim())
        .findFirst().orElse("");
  }

  /** Blocks every client but this one for {@code pause}: CLIENT PAUSE, all commands. */
  void clientPause(Duration pause) {
    sync().clientPause(pause.toMillis());
  }

  /** Sends DEBUG SLEEP without waiting: the server does nothing else until it has slept. */
  CompletionStage<String> debugSleep(Duration sleep) {
    StringCodec codec = StringCodec.UTF8;
    return redis.connection().async().dispatch(CommandType.DEBUG, new StatusOutput<>(codec),
        new CommandArgs<>(codec).add("SLEEP").add(Double.toString(sleep.toMillis() / 1000.0)));
  }

  @Override
  public void close() {
    redis.close();
  }
}
