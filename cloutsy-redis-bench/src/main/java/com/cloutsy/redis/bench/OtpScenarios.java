package com.cloutsy.redis.bench;

import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.otp.OtpGuard;
import com.cloutsy.redis.otp.OtpPolicy;
import com.cloutsy.redis.otp.OtpSecret;
import com.cloutsy.redis.script.LuaScript;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OTP request: this project's {@link OtpGuard#requestAsync} (one script: cooldown and quota check, store the code
 * HMAC, start the cooldown) against the seed's pattern written with Lettuce: GET the cooldown, GET the request
 * counter, then MULTI, SET cooldown, INCR counter, EXPIRE counter, EXEC sent in one write. Lettuce runs a transaction
 * safely only on a connection no other caller uses, so the seed pattern takes a connection from a pool of 64 (one
 * per caller at most), as Lettuce's documentation advises. A third row sends the same script as raw EVALSHA with
 * prepared arguments, to tell the script's cost on the server from the client's work around it. All walk round-robin
 * over 100,000 phones each with a 1 ms cooldown and an unreachable quota, so every request is issued; the code sender
 * does nothing.
 */
final class OtpScenarios implements AutoCloseable {

  static final String GROUP = "OTP request";
  static final String OURS = "cloutsy OtpGuard.request";
  static final String SEED = "seed pattern (GET, GET, MULTI/EXEC)";
  static final String RAW = "raw Lettuce EVALSHA (otp-request.lua)";
  static final String NOTE = "Each request goes to the next of 100,000 phones, with a 1 ms cooldown and no reachable"
      + " quota, so every one is issued; the code sender does nothing. The seed pattern stores no code (its snippet"
      + " shows none), this project stores the code's HMAC. Bytes: what one request with the seed's limits (60 s"
      + " cooldown, 15-minute quota window) leaves in Redis for one phone.";

  private static final int PHONES = 100_000;
  private static final int POOL = 64;
  private static final Duration COOLDOWN = Duration.ofMillis(1);
  private static final Duration QUOTA_WINDOW = Duration.ofMinutes(15);
  private static final String REFUSED = "refused";
  private static final LuaScript REQUEST_SCRIPT = LuaScript.load("otp-request.lua");

  private final Keys keys = Keys.seed();
  private final RedisAsyncCommands<String, String> raw;
  private final OtpGuard guard;
  private final OtpGuard sampleGuard;
  private final BlockingQueue<StatefulRedisConnection<String, String>> pool = new ArrayBlockingQueue<>(POOL);
  private final List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
  private final AtomicLong samplePhones = new AtomicLong(15_559_000_000L);

  OtpScenarios(Clients clients) {
    this.raw = clients.redis().connection().async();
    clients.admin().scriptLoad(REQUEST_SCRIPT.source());
    OtpSecret secret = OtpSecret.generateForDevelopment();
    OtpPolicy policy = OtpPolicy.defaults(secret).withCooldown(COOLDOWN)
        .withRequestQuota(Integer.MAX_VALUE, QUOTA_WINDOW);
    this.guard = OtpGuard.create(clients.redis(), policy, message -> CompletableFuture.completedFuture(null),
        Runnable::run);
    this.sampleGuard = OtpGuard.create(clients.redis(), OtpPolicy.defaults(secret),
        message -> CompletableFuture.completedFuture(null), Runnable::run);
    for (int i = 0; i < POOL; i++) {
      StatefulRedisConnection<String, String> connection =
          clients.redis().client().connect(StringCodec.UTF8, clients.redis().redisUri());
      // Commands wait in the connection until flushCommands: the transaction leaves in one write, as ioredis sends it.
      connection.setAutoFlushCommands(false);
      connections.add(connection);
      pool.add(connection);
    }
  }

  List<Scenario> scenarios() {
    String[] ourPhones = phones(1);
    String[] seedPhones = phones(2);
    String[] rawPhones = phones(3);
    AtomicInteger ourTurn = new AtomicInteger();
    AtomicInteger seedTurn = new AtomicInteger();
    AtomicInteger rawTurn = new AtomicInteger();
    // What OtpGuard sends, prepared once: a fixed HMAC, code TTL, cooldown, quota and window.
    String[] arguments = {"q0dJ3lVYc2cU1mZk9F4oA7wX2eR8tB6nH1jK5pL0sDg", "300000", Long.toString(COOLDOWN.toMillis()),
        Integer.toString(Integer.MAX_VALUE), Long.toString(QUOTA_WINDOW.toMillis())};
    Scenario ours = new Scenario(GROUP, OURS, Scenario.Role.OURS,
        new Scenario.Load.Async(() -> guard.requestAsync(next(ourPhones, ourTurn), OtpGuard.DEFAULT_PURPOSE)),
        "`OtpGuard.requestAsync` (HMAC of a fresh code, one EVALSHA, a sender that does nothing), async, on the one"
            + " multiplexed connection of RedisService",
        Scenario.Memory.of("phone", steps -> {
          String phone = samplePhone();
          sampleGuard.request(phone);
          return new Scenario.Sample(List.of(keys.otpCooldown(phone), keys.otpRequests(phone), keys.otpCode(phone),
              keys.otpAttempts(phone)), 1);
        }));
    Scenario seed = new Scenario(GROUP, SEED, Scenario.Role.PEER,
        new Scenario.Load.Async(() -> seedRequest(next(seedPhones, seedTurn), COOLDOWN)),
        "the seed's `GET`, `GET`, `MULTI`/`SET`/`INCR`/`EXPIRE`/`EXEC` with Lettuce async, a pooled connection per"
            + " caller, the transaction flushed as one write",
        Scenario.Memory.of("phone", steps -> {
          String phone = samplePhone();
          seedRequest(phone, Duration.ofSeconds(60)).toCompletableFuture().join();
          return new Scenario.Sample(List.of(keys.otpCooldown(phone), keys.otpRequests(phone)), 1);
        }));
    Scenario script = new Scenario(GROUP, RAW, Scenario.Role.CEILING,
        new Scenario.Load.Async(() -> {
          String phone = next(rawPhones, rawTurn);
          return raw.evalsha(REQUEST_SCRIPT.sha1(), ScriptOutputType.MULTI, new String[] {keys.otpCooldown(phone),
              keys.otpRequests(phone), keys.otpCode(phone), keys.otpAttempts(phone)}, arguments);
        }),
        "`evalsha` of `otp-request.lua` with prepared arguments and no reply parsing, on the connection of"
            + " RedisService: the script's own cost, without the code, the HMAC and the result",
        null);
    return List.of(ours, seed, script);
  }

  /** The seed's OTP request: GET, GET, then one transaction; the reply says whether it was refused. */
  @SuppressWarnings("FutureReturnValueIgnored") // the commands queued in MULTI answer in EXEC's reply
  private CompletionStage<Object> seedRequest(String phone, Duration cooldown) {
    StatefulRedisConnection<String, String> connection = pool.poll();
    if (connection == null) {
      throw new IllegalStateException("more than " + POOL + " callers in flight");
    }
    RedisAsyncCommands<String, String> redis = connection.async();
    String cooldownKey = keys.otpCooldown(phone);
    String requestsKey = keys.otpRequests(phone);
    RedisFuture<String> active = redis.get(cooldownKey);
    connection.flushCommands();
    CompletionStage<Object> done = active.thenCompose(cooling -> {
      if (cooling != null) {
        return CompletableFuture.completedFuture(REFUSED);
      }
      RedisFuture<String> requests = redis.get(requestsKey);
      connection.flushCommands();
      return requests.thenCompose(count -> {
        if (count != null && Long.parseLong(count) >= Integer.MAX_VALUE) {
          return CompletableFuture.completedFuture(REFUSED);
        }
        redis.multi();
        redis.set(cooldownKey, "1", SetArgs.Builder.px(cooldown.toMillis()));
        redis.incr(requestsKey);
        redis.expire(requestsKey, QUOTA_WINDOW.toSeconds());
        RedisFuture<?> exec = redis.exec();
        connection.flushCommands();
        return exec.thenApply(result -> (Object) result);
      });
    });
    return done.whenComplete((result, failure) -> pool.add(connection));
  }

  private static String[] phones(int series) {
    String[] phones = new String[PHONES];
    for (int i = 0; i < PHONES; i++) {
      phones[i] = String.format(Locale.ROOT, "+1555%d%06d", series, i);
    }
    return phones;
  }

  private static String next(String[] phones, AtomicInteger turn) {
    return phones[Math.floorMod(turn.getAndIncrement(), phones.length)];
  }

  private String samplePhone() {
    return "+" + samplePhones.incrementAndGet();
  }

  @Override
  public void close() {
    connections.forEach(StatefulRedisConnection::close);
  }
}
