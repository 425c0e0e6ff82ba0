package com.cloutsy.redis.demo;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.keys.Keys;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A tour of the facade: the seed's caching, hash, session and pub/sub patterns run against a real Redis, each
 * step printed with its result. With neither {@code REDIS_URL} nor {@code REDIS_HOST} set it starts an embedded
 * redis-server on a free loopback port and stops it at the end.
 *
 * <p>Run it with {@code ./mvnw -q -pl cloutsy-redis-demo -am compile exec:java}.
 */
public final class FacadeTour {

  private final RedisService redis;
  private final PrintStream out;

  FacadeTour(RedisService redis, PrintStream out) {
    this.redis = redis;
    this.out = out;
  }

  /** Runs the tour; exits non-zero when a step fails. */
  public static void main(String[] args) throws InterruptedException {
    Map<String, String> env = System.getenv();
    boolean external = env.containsKey("REDIS_URL") || env.containsKey("REDIS_HOST");
    try (EmbeddedRedis embedded = external ? null : EmbeddedRedis.start()) {
      RedisSettings settings = RedisSettings.fromEnvironment(withEmbedded(env, embedded));
      try (RedisService redis = RedisService.start(settings)) {
        System.out.println("cloutsy-redis tour against " + settings.describeEndpoint()
            + (embedded == null ? "" : " (embedded redis-server, stopped at the end)"));
        new FacadeTour(redis, System.out).run();
      }
    }
  }

  private static Map<String, String> withEmbedded(Map<String, String> env, @Nullable EmbeddedRedis embedded) {
    Map<String, String> variables = new HashMap<>(env);
    if (embedded != null) {
      variables.put("REDIS_URL", embedded.uri());
    }
    return variables;
  }

  void run() throws InterruptedException {
    Keys keys = redis.keys();
    step("ping", String.format("%.2f ms round trip", redis.ping().toNanos() / 1e6));

    String niches = keys.cache("niches", "active");
    redis.set(niches, "[\"fashion\",\"tech\"]", Duration.ofHours(1));
    long ttl = redis.connection().sync().ttl(niches);
    step("set " + niches + " for 1 h", "OK, TTL " + ttl + " s");
    step("get " + niches, redis.get(niches));

    String prefs = keys.userPrefs("42");
    redis.hset(prefs, "theme", "dark");
    redis.hset(prefs, "language", "en");
    step("hset " + prefs + " theme, language", "stored");
    step("hget " + prefs + " theme", redis.hget(prefs, "theme"));
    step("hdel " + prefs + " language", redis.hdel(prefs, "language") + " field removed");

    storeSessionTheSeedsWay(keys);
    publishAndReceive();

    step("exists " + niches + ", " + prefs, redis.exists(niches, prefs) + " of 2");
    step("del " + niches + ", " + prefs, redis.del(niches, prefs) + " deleted");
    step("get " + niches + " after del", String.valueOf(redis.get(niches)));
  }

  /** The seed's session write: a MULTI over the raw connection, here on a connection of its own. */
  private void storeSessionTheSeedsWay(Keys keys) {
    String jti = UUID.randomUUID().toString();
    String session = keys.session("42", jti);
    String index = keys.sessionIndex("42");
    // MULTI on the shared connection would interleave with other threads' commands, so it gets its own.
    try (var connection = redis.client().connect(redis.redisUri())) {
      RedisCommands<String, String> commands = connection.sync();
      commands.multi();
      commands.setex(session, Duration.ofDays(7).toSeconds(), "{\"deviceId\":\"phone-1\",\"userType\":\"brand\"}");
      commands.sadd(index, jti);
      TransactionResult result = commands.exec();
      step("multi set " + session + " + sadd " + index, result.size() + " commands applied");
      step("smembers " + index, String.valueOf(commands.smembers(index)));
      commands.del(session, index);
    }
  }

  /** The seed's pub/sub: a duplicate connection subscribes, the main one publishes. */
  private void publishAndReceive() throws InterruptedException {
    BlockingQueue<String> received = new ArrayBlockingQueue<>(1);
    try (StatefulRedisPubSubConnection<String, String> subscriber = redis.connectPubSub()) {
      subscriber.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          received.offer(message);
        }
      });
      subscriber.sync().subscribe("user:notifications");
      long receivers = redis.connection().sync()
          .publish("user:notifications", "{\"userId\":123,\"type\":\"message\"}");
      step("publish user:notifications", receivers + " receiver(s)");
      step("received", String.valueOf(received.poll(2, TimeUnit.SECONDS)));
    }
  }

  private void step(String what, @Nullable String result) {
    out.printf("  %-58s -> %s%n", what, result);
  }
}
