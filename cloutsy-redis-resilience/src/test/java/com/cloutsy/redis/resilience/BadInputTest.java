package com.cloutsy.redis.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.cache.CacheLookup;
import com.cloutsy.redis.cache.CachePolicy;
import com.cloutsy.redis.cache.RedisCache;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.keys.KeyLayout;
import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.login.LoginGuard;
import com.cloutsy.redis.login.LoginPolicy;
import com.cloutsy.redis.otp.OtpGuard;
import com.cloutsy.redis.otp.OtpPolicy;
import com.cloutsy.redis.otp.OtpSecret;
import com.cloutsy.redis.pubsub.EventBus;
import com.cloutsy.redis.ratelimit.RateLimit;
import com.cloutsy.redis.ratelimit.RateLimiter;
import com.cloutsy.redis.session.Device;
import com.cloutsy.redis.session.SessionStore;
import com.cloutsy.redis.session.UserType;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Hostile input against a real server: ids made of key syntax, glob characters, control characters and odd Unicode
 * through every capability; ids and values of a mebibyte and more; and stored data that is corrupt or of the wrong
 * Redis type. Outcomes are recorded per capability in the report; what must hold is asserted: no key outside the
 * namespace or in another owner's slot, no glob, oversized ids refused with IllegalArgumentException, corrupt data
 * never returned as valid and never harming another user's data.
 */
class BadInputTest {

  private static final String PREFIX = "bad:";
  private static final int MEBIBYTE = 1 << 20;
  private static final List<String> HOSTILE = List.of("a:b", "{42}", "}{", "*", "?", "[a-z]", "%41", "a%", "\u0000",
      "tab\tnew\nline", "\u00e9\u4e2d\ud83d\ude00", "..", "user:42:jti", "\\*", " ", "\u202e", "\ufeff");
  private static final Device DEVICE = Device.of("device", "agent", UserType.BRAND);

  /** One outcome per capability and input, for the report. */
  private final Map<String, String> outcomes = new LinkedHashMap<>();

  @Test
  void hostileIdsNeverEscapeTheirNamespaceAndOversizedInputIsRefusedOrWhole() {
    Findings findings = new Findings(7, "Bad input",
        "Every id that reaches a key (user ids, jtis, phones, login identifiers and addresses, endpoints, cache"
            + " resources and ids, channel names) given " + HOSTILE.size() + " hostile values (key separators, hash"
            + " tags, glob characters, percent signs, NUL and other control characters, bidi and BOM characters,"
            + " astral Unicode), the empty string and 1 MiB; values of 1 MiB and more; then corrupt stored data. In"
            + " the cluster layout, so hash tags are in play. Jazzer's KeysFuzzTest, SessionFormatFuzzTest and"
            + " CacheEntryFuzzTest in cloutsy-redis-core fuzz the same rules without a server.");
    try (EmbeddedRedis server = EmbeddedRedis.start();
        RedisService redis = RedisService.start(RedisSettings.builder().host("127.0.0.1").port(server.port())
            .commandTimeout(Duration.ofSeconds(5)).keyPrefix(PREFIX).keyLayout(KeyLayout.CLUSTER).build());
        RedisCache cache = RedisCache.create(redis, "bad", CachePolicy.defaults());
        EventBus bus = EventBus.create(redis)) {
      Keys keys = redis.keyNames();
      SessionStore sessions = SessionStore.create(redis);
      RateLimiter limiter = RateLimiter.create(redis);
      LoginGuard login = LoginGuard.create(redis, LoginPolicy.defaults());
      OtpGuard otp = OtpGuard.create(redis, OtpPolicy.defaults(OtpSecret.generateForDevelopment()),
          message -> CompletableFuture.completedFuture(null), Runnable::run);
      RedisCommands<String, String> sync = redis.connection().sync();

      long refusedHostile = 0;
      for (String id : HOSTILE) {
        sessions.create(id, id, DEVICE);
        assertThat(sessions.get(id, id)).isPresent();
        limiter.tryAcquire(keys.apiLimit(id, id), RateLimit.of(5, Duration.ofMinutes(1)));
        login.check(id, id);
        cache.put(keys.cache(id, id), id, Duration.ofMinutes(1));
        assertThat(cache.get(keys.cache(id, id), String.class)).isEqualTo(new CacheLookup.Hit<>(id));
        bus.publish(id, id);
        refusedHostile += refused(() -> otp.request(id)) ? 1 : 0;
      }
      findings.atLeast("hostile phones refused by OtpGuard with IllegalArgumentException (E.164 only)",
          refusedHostile, HOSTILE.size());
      List<String> stored = scan(sync);
      long outside = stored.stream().filter(key -> !key.startsWith(PREFIX)).count();
      long globs = stored.stream().filter(key -> key.chars().anyMatch(c -> "*?[]\\".indexOf(c) >= 0)).count();
      long unprintable = stored.stream().filter(key -> key.chars().anyMatch(c -> c <= 0x20 || c >= 0x7F)).count();
      long badTags = stored.stream().filter(key -> key.chars().filter(c -> c == '{').count() > 1
          || key.chars().filter(c -> c == '}').count() > 1).count();
      findings.figure("keys written by hostile ids", stored.size());
      findings.atMost("keys outside the service's prefix", outside, 0);
      findings.atMost("keys with a glob character (* ? [ ] \\)", globs, 0);
      findings.atMost("keys with whitespace, control or non-ASCII characters", unprintable, 0);
      findings.atMost("keys with more than one hash tag", badTags, 0);
      findings.atMost("users whose keys span more than one hash slot", usersSpanningSlots(stored), 0);
      Set<String> sessionKeys = new HashSet<>();
      HOSTILE.forEach(id -> sessionKeys.add(keys.session(id, id)));
      findings.atMost("hostile ids that share a session key with another", HOSTILE.size() - sessionKeys.size(), 0);

      String huge = "x".repeat(MEBIBYTE + 1);
      List<Supplier<Object>> hugeIds = List.of(
          () -> sessions.create(huge, DEVICE), () -> sessions.get("42", huge),
          () -> limiter.tryAcquire(keys.apiLimit(huge, "feed"), RateLimit.of(5, Duration.ofMinutes(1))),
          () -> login.check(huge, "203.0.113.9"), () -> login.check("alice", huge), () -> otp.request(huge),
          () -> otp.verify("+15550001111", huge), () -> keys.cache("users", huge), () -> keys.config(huge));
      long refusedHuge = hugeIds.stream().filter(call -> refused(call::get)).count();
      findings.atLeast("1 MiB ids refused with IllegalArgumentException (Keys: 256 characters at most)", refusedHuge,
          hugeIds.size());
      findings.atLeast("empty ids refused with IllegalArgumentException", List.<Supplier<Object>>of(
          () -> sessions.create("", DEVICE), () -> keys.apiLimit("", "feed"), () -> login.check("", "1.2.3.4"),
          () -> keys.cache("users", "")).stream().filter(call -> refused(call::get)).count(), 4);

      oversizedValues(findings, redis, sessions, cache, bus, huge);
      corruptData(findings, redis, sync, sessions, cache, limiter, login);
    }
    outcomes.forEach((what, outcome) -> findings.figure(what, outcome));
    findings.publish().assertHold();
  }

  /**
   * Values above the limit (REDIS_MAX_VALUE_BYTES, 1 MiB by default) are refused before anything is sent, so
   * nothing is half-written; raw keys that do not come from Keys may be long, but each is its own key.
   */
  private void oversizedValues(Findings findings, RedisService redis, SessionStore sessions, RedisCache cache,
      EventBus bus, String huge) {
    String agent = "a".repeat(2 * MEBIBYTE);
    String jti = SessionStore.newJti();
    // Random letters: a repeated one would compress below the limit, which the cache rightly accepts.
    StringBuilder incompressible = new StringBuilder(2 * MEBIBYTE);
    Random random = new Random(12);
    for (int i = 0; i < 2 * MEBIBYTE; i++) {
      incompressible.append((char) ('a' + random.nextInt(26)));
    }
    String value = incompressible.toString();
    String key = redis.keyNames().cache("big", "value");
    Map<String, Runnable> oversized = new LinkedHashMap<>();
    oversized.put("session with a 2 MiB user agent",
        () -> sessions.create("big", jti, Device.of("device", agent, UserType.BRAND)));
    oversized.put("cache put of a 2 MiB incompressible value", () -> cache.put(key, value, Duration.ofMinutes(1)));
    oversized.put("pub/sub event of 2 MiB", () -> bus.publish("big", value));
    oversized.put("facade set of 2 MiB", () -> redis.set(redis.keyNames().config("big"), value));
    long refused = oversized.entrySet().stream().filter(entry -> {
      String outcome = attempt(() -> {
        entry.getValue().run();
        return "stored";
      });
      outcomes.put(entry.getKey(), outcome);
      return outcome.startsWith("ValueTooLargeException");
    }).count();
    findings.atLeast("values above REDIS_MAX_VALUE_BYTES refused with ValueTooLargeException", refused,
        oversized.size());
    findings.atMost("refused values found in Redis afterwards", (sessions.get("big", jti).isPresent() ? 1 : 0)
        + (cache.get(key, String.class) instanceof CacheLookup.Hit ? 1 : 0)
        + redis.exists(redis.keyNames().config("big")), 0);
    outcomes.put("pub/sub channel name of 1 MiB", attempt(() -> bus.publish(huge, "x")));
    outcomes.put("rate limiter with a raw 1 MiB key (not from Keys)",
        attempt(() -> RateLimiter.create(redis).tryAcquire(huge, RateLimit.of(5, Duration.ofMinutes(1)))));
    outcomes.put("cache with a raw 1 MiB key (not from Keys)", attempt(() -> {
      cache.put(huge, "x", Duration.ofMinutes(1));
      return "stored";
    }));
  }

  /** Corrupt or wrongly typed stored data: the documented outcome, and another user's data untouched. */
  private void corruptData(Findings findings, RedisService redis, RedisCommands<String, String> sync,
      SessionStore sessions, RedisCache cache, RateLimiter limiter, LoginGuard login) {
    Keys keys = redis.keyNames();
    String bystander = sessions.create("bystander", DEVICE).session().jti();
    Map<String, String> values = new LinkedHashMap<>();
    values.put("truncated JSON", "{\"deviceId\":\"d\",\"userAgent\":\"u\",\"createdAt\":\"2024-01-");
    values.put("wrong types", "{\"deviceId\":42,\"userAgent\":[],\"createdAt\":true,\"userType\":{}}");
    values.put("garbage bytes", "\u0001\u00ff\ufffd\u0000garbage");
    values.put("a JSON array", "[1,2,3]");
    long validCorrupt = 0;
    for (Map.Entry<String, String> corrupt : values.entrySet()) {
      String jti = "corrupt-" + corrupt.getKey().replace(' ', '-');
      sessions.create("victim", jti, DEVICE);
      sync.set(keys.session("victim", jti), corrupt.getValue());
      String outcome = attempt(() -> sessions.get("victim", jti));
      outcomes.put("session.get of a value with " + corrupt.getKey(), outcome);
      validCorrupt += outcome.startsWith("returned") ? 1 : 0;
    }
    findings.atMost("corrupt session values reported as a session", validCorrupt, 0);

    sync.del(keys.sessionIndex("victim"));
    sync.set(keys.sessionIndex("victim"), "not a set");
    outcomes.put("session.create when the session index holds a string",
        attempt(() -> sessions.create("victim", DEVICE)));
    outcomes.put("session.list when the session index holds a string", attempt(() -> sessions.list("victim")));
    outcomes.put("session.revokeAll when the session index holds a string",
        attempt(() -> sessions.revokeAll("victim")));
    sync.del(keys.session("victim", "hashed"));
    sync.hset(keys.session("victim", "hashed"), "field", "value");
    outcomes.put("session.get when the session key holds a hash", attempt(() -> sessions.get("victim", "hashed")));

    String limitKey = keys.apiLimit("victim", "feed");
    sync.hset(limitKey, "field", "value");
    outcomes.put("rate limiter on a key holding a hash",
        attempt(() -> limiter.tryAcquire(limitKey, RateLimit.fixedWindow(5, Duration.ofMinutes(1)))));
    String textKey = keys.apiLimit("victim", "text");
    sync.set(textKey, "not a number");
    outcomes.put("fixed-window limiter on a key holding text",
        attempt(() -> limiter.tryAcquire(textKey, RateLimit.fixedWindow(5, Duration.ofMinutes(1)))));
    sync.set(keys.loginAttempts("victim"), "not a number");
    outcomes.put("login.check with a counter holding text", attempt(() -> login.check("victim", "203.0.113.7")));

    String cacheKey = keys.cache("users", "victim");
    sync.set(cacheKey, "{\"not\": \"a string\"");
    outcomes.put("cache.get of truncated JSON", attempt(() -> cache.get(cacheKey, String.class)));
    String hashKey = keys.cache("users", "hashed");
    sync.hset(hashKey, "field", "value");
    outcomes.put("cache.getOrLoad of a key holding a hash",
        attempt(() -> cache.getOrLoad(hashKey, Duration.ofMinutes(1), String.class, () -> "loaded")));

    findings.atLeast("the bystander's session still valid after all of it",
        sessions.get("bystander", bystander).isPresent() ? 1 : 0, 1);
    findings.note("Outcomes above are what each call gave: 'returned' with the value, or the exception. A corrupt"
        + " session value gives SessionCorruptedException naming the key, as documented; a corrupt cache entry is a"
        + " miss; a key of the wrong Redis type gives Redis's WRONGTYPE or a script error as"
        + " RedisCommandExecutionException, which RateLimiter and RedisCache document as 'a bug, thrown either way'."
        + " SessionStore documents SessionCorruptedException only for the session value: a session index of the"
        + " wrong type reaches the caller as a raw script error, not documented yet.");
  }

  private static boolean refused(Runnable call) {
    try {
      call.run();
      return false;
    } catch (IllegalArgumentException refused) {
      return true;
    }
  }

  private static String attempt(Supplier<Object> call) {
    try {
      Object result = call.get();
      String shown = String.valueOf(result);
      return "returned " + (shown.length() > 60 ? shown.substring(0, 60) + "…" : shown);
    } catch (RuntimeException failed) {
      String message = String.valueOf(failed.getMessage());
      return failed.getClass().getSimpleName() + ": "
          + (message.length() > 100 ? message.substring(0, 100) + "…" : message);
    }
  }

  private static List<String> scan(RedisCommands<String, String> sync) {
    List<String> keys = new ArrayList<>();
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = sync.scan(cursor, ScanArgs.Builder.limit(500));
      keys.addAll(page.getKeys());
      cursor = page;
    } while (!cursor.isFinished());
    return keys;
  }

  /** Keys are grouped by their hash tag (the owner); each group must lie in one slot, which holds by construction. */
  private static long usersSpanningSlots(List<String> keys) {
    Map<String, Set<Integer>> slots = new LinkedHashMap<>();
    for (String key : keys) {
      int open = key.indexOf('{');
      int close = key.indexOf('}', open + 1);
      if (open >= 0 && close > open + 1) {
        slots.computeIfAbsent(key.substring(open + 1, close), tag -> new HashSet<>())
            .add(SlotHash.getSlot(key.getBytes(StandardCharsets.US_ASCII)));
      }
    }
    return slots.values().stream().filter(set -> set.size() > 1).count();
  }
}
