package com.cloutsy.redis.resilience;

import com.cloutsy.redis.FeatureCounters;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.cache.CacheLookup;
import com.cloutsy.redis.cache.CachePolicy;
import com.cloutsy.redis.cache.RedisCache;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.health.HealthCheck;
import com.cloutsy.redis.health.HealthPolicy;
import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.login.LoginCheck;
import com.cloutsy.redis.login.LoginGuard;
import com.cloutsy.redis.login.LoginPolicy;
import com.cloutsy.redis.otp.OtpGuard;
import com.cloutsy.redis.otp.OtpPolicy;
import com.cloutsy.redis.otp.OtpRequestResult;
import com.cloutsy.redis.otp.OtpSecret;
import com.cloutsy.redis.otp.OtpVerifyResult;
import com.cloutsy.redis.pubsub.EventBus;
import com.cloutsy.redis.pubsub.Subscription;
import com.cloutsy.redis.ratelimit.Algorithm;
import com.cloutsy.redis.ratelimit.Decision;
import com.cloutsy.redis.ratelimit.FailurePolicy;
import com.cloutsy.redis.ratelimit.RateLimit;
import com.cloutsy.redis.ratelimit.RateLimiter;
import com.cloutsy.redis.session.Device;
import com.cloutsy.redis.session.Session;
import com.cloutsy.redis.session.SessionCreated;
import com.cloutsy.redis.session.SessionStore;
import com.cloutsy.redis.session.UserType;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/*
 * Design notes. One Workload is one application instance: one RedisService and every capability built on it, plus
 * the bookkeeping that turns the calls into invariants. Each operation is chosen at random by weight and recorded in
 * the ledger; what it must never do is checked where it happens (a revoked session valid again, a wrong OTP code
 * verified, another key's value from the cache) or at the end from counts (admissions against the limits). State that
 * a call with an unknown outcome may have changed (a create or revoke that timed out) is set aside, never used for a
 * claim. Everything is bounded: fixed sets of users, phones, keys and channels.
 */
/** Every capability of the library on one {@link RedisService}, driven at random and checked against invariants. */
final class Workload implements AutoCloseable {

  static final String CACHE = "resilience";
  static final String NEAR_CACHE = "resilience-near";

  private static final int USERS = 50;
  private static final int PHONES = 20;
  private static final int VICTIMS = 20;
  private static final int ATTACK_ADDRESSES = 4;
  private static final int MEMBERS = 10;
  private static final int CACHE_KEYS = 100;
  private static final int LIMITER_KEYS = 2;
  private static final long LIMIT = 120;
  private static final Duration LIMIT_WINDOW = Duration.ofHours(1);
  private static final Duration OTP_COOLDOWN = Duration.ofSeconds(2);
  /** INCR of the write counter (KEYS[1]) and RPUSH of the write's id (ARGV[1]) to its log (KEYS[2]), as one step. */
  private static final String COUNT_WRITE =
      "redis.call('RPUSH', KEYS[2], ARGV[1]) return redis.call('INCR', KEYS[1])";
  private static final String WRONG_CODE = "wrong-code";
  private static final List<String> CHANNELS = List.of("events-a", "events-b");

  /** A cached value that names its key and carries a checksum, so a value of another key or a corrupt one shows. */
  record Item(String key, long version, String body, long checksum) {
    static Item of(String key, long version, String body) {
      return new Item(key, version, body, checksum(key, version, body));
    }

    boolean isIntact() {
      return checksum == checksum(key, version, body);
    }

    private static long checksum(String key, long version, String body) {
      CRC32 crc = new CRC32();
      crc.update((key + '\n' + version + '\n' + body).getBytes(StandardCharsets.UTF_8));
      return crc.getValue();
    }
  }

  /** A published event that names its channel and place in the sequence. */
  record Event(String channel, long sequence) {}

  private record Interval(long start, long end) {}

  private record Limited(String key, RateLimit limit, RateLimiter limiter) {}

  private final Ledger ledger;
  private final RedisService redis;
  private final Keys keys;
  private final long startedAt = System.nanoTime();
  private final SessionStore sessions;
  private final RateLimiter closedLimiter;
  private final RateLimiter openLimiter;
  private final List<Limited> limited = new ArrayList<>();
  private final OtpGuard otp;
  private final LoginGuard login;
  private final LoginPolicy loginPolicy = LoginPolicy.defaults();
  private final RedisCache cache;
  private final RedisCache nearCache;
  private final EventBus bus;
  private final HealthCheck health;
  private final List<Subscription> subscriptions = new ArrayList<>();
  private final BlockingQueue<Long> probeEvents = new LinkedBlockingQueue<>();

  // Sessions: jti -> user for those whose create was acknowledged and that no revoke was tried on; revoked jti ->
  // nanoTime the revoke was acknowledged; jtis whose create or revoke had an unknown outcome.
  private final Map<String, String> liveSessions = new ConcurrentHashMap<>();
  private final Map<String, Long> revokedAt = new ConcurrentHashMap<>();
  private final Map<String, String> revokedOwner = new ConcurrentHashMap<>();
  private final Map<String, String> unknownSessions = new ConcurrentHashMap<>();

  private final Map<String, LongAdder> allowedByRedis = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> allowedLocally = new ConcurrentHashMap<>();

  private final Map<String, String> sentCodes = new ConcurrentHashMap<>();
  private final Map<String, String> tickets = new ConcurrentHashMap<>();
  private final Map<String, List<Interval>> issued = new ConcurrentHashMap<>();

  private final Map<String, LongAdder> loginAllowed = new ConcurrentHashMap<>();

  private final AtomicLong versions = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, Map<Long, Boolean>> acknowledgedEvents = new ConcurrentHashMap<>();
  private final Map<String, Map<Long, Boolean>> receivedEvents = new ConcurrentHashMap<>();
  private final LongAdder attemptedIncrements = new LongAdder();
  private final LongAdder acknowledgedIncrements = new LongAdder();
  private final Set<String> acknowledgedWrites = ConcurrentHashMap.newKeySet();
  private final boolean durable;

  /**
   * Starts a service on {@code port} and builds every capability on it.
   *
   * @param durable whether the server keeps what it acknowledged (no eviction, no restart that loses data), so lost
   *     writes, repeated OTP issues and admissions beyond a limit are violations rather than the expected cost
   */
  Workload(int port, Ledger ledger, boolean durable) {
    this.ledger = ledger;
    this.durable = durable;
    this.redis = RedisService.start(settings(port));
    this.keys = redis.keyNames();
    try {
      sessions = SessionStore.create(redis);
      closedLimiter = RateLimiter.create(redis, FailurePolicy.FAIL_CLOSED);
      openLimiter = RateLimiter.create(redis, FailurePolicy.FAIL_OPEN);
      for (Algorithm algorithm : Algorithm.values()) {
        for (int k = 0; k < LIMITER_KEYS; k++) {
          RateLimit limit = RateLimit.of(LIMIT, LIMIT_WINDOW).withAlgorithm(algorithm);
          limited.add(new Limited(keys.apiLimit("rl-" + k, algorithm + "-closed"), limit, closedLimiter));
          limited.add(new Limited(keys.apiLimit("rl-" + k, algorithm + "-open"), limit, openLimiter));
        }
      }
      OtpPolicy otpPolicy = OtpPolicy.defaults(OtpSecret.fromBase64("uYs5RPMW3PevPkV8sjFdY3JUpisFK6dosixtMJcgSHU="))
          .withCooldown(OTP_COOLDOWN).withRequestQuota(1_000, Duration.ofMinutes(15));
      otp = OtpGuard.create(redis, otpPolicy, message -> {
        sentCodes.put(message.phone(), message.code());
        return CompletableFuture.completedFuture(null);
      }, Runnable::run);
      login = LoginGuard.create(redis, loginPolicy);
      cache = RedisCache.create(redis, CACHE, CachePolicy.defaults());
      nearCache = RedisCache.create(redis, NEAR_CACHE,
          CachePolicy.defaults().withNearCache(1_000, Duration.ofMinutes(1)));
      bus = EventBus.create(redis);
      for (String channel : CHANNELS) {
        acknowledgedEvents.put(channel, new ConcurrentHashMap<>());
        receivedEvents.put(channel, new ConcurrentHashMap<>());
        subscriptions.add(bus.subscribe(channel, Event.class, this::received));
      }
      subscriptions.add(bus.subscribe("probe", Event.class, (channel, event) -> probeEvents.add(event.sequence())));
      health = HealthCheck.create(redis, HealthPolicy.defaults().withTimeout(Mode.COMMAND_TIMEOUT));
    } catch (RuntimeException failed) {
      redis.close();
      throw failed;
    }
  }

  static RedisSettings settings(int port) {
    return RedisSettings.builder().host("127.0.0.1").port(port).commandTimeout(Mode.COMMAND_TIMEOUT)
        .connectTimeout(Duration.ofSeconds(1)).keyPrefix("r-" + UUID.randomUUID().toString().substring(0, 8) + ":")
        .build();
  }

  RedisService redis() {
    return redis;
  }

  // ---- the mixed load ----

  /** One operation, chosen at random by weight. */
  void step(Random random) {
    int roll = random.nextInt(100);
    if (roll < 8) {
      createSession(random);
    } else if (roll < 20) {
      checkSession(random, false);
    } else if (roll < 25) {
      checkSession(random, true);
    } else if (roll < 30) {
      revokeSession(random);
    } else if (roll < 48) {
      acquire(random);
    } else if (roll < 52) {
      requestCode(random);
    } else if (roll < 57) {
      verifyCode(random);
    } else if (roll < 59) {
      consumeVerification(random);
    } else if (roll < 66) {
      attackLogin(random);
    } else if (roll < 69) {
      memberLogin(random);
    } else if (roll < 81) {
      readCache(random, cache, "cache.getOrLoad");
    } else if (roll < 88) {
      readCache(random, nearCache, "nearcache.getOrLoad");
    } else if (roll < 90) {
      writeCache(random);
    } else if (roll < 92) {
      invalidateCache(random);
    } else if (roll < 98) {
      publish(random);
    } else if (roll < 99) {
      countWrite();
    } else {
      ledger.call("health", false, health::health, report -> false);
    }
  }

  private void createSession(Random random) {
    String user = "u" + random.nextInt(USERS);
    String jti = SessionStore.newJti();
    Device device = Device.of("device-" + user, "agent-" + jti, UserType.INFLUENCER);
    unknownSessions.put(jti, user);
    SessionCreated created = ledger.call("session.create", true, () -> sessions.create(user, jti, device),
        done -> false);
    if (created != null) {
      unknownSessions.remove(jti);
      liveSessions.put(jti, user);
    }
  }

  private void checkSession(Random random, boolean touch) {
    String jti;
    String user;
    List<String> revoked = new ArrayList<>(revokedOwner.keySet());
    if (!revoked.isEmpty() && random.nextInt(3) == 0) {
      jti = revoked.get(random.nextInt(revoked.size()));
      user = revokedOwner.get(jti);
    } else {
      List<Map.Entry<String, String>> live = new ArrayList<>(liveSessions.entrySet());
      if (live.isEmpty()) {
        createSession(random);
        return;
      }
      Map.Entry<String, String> picked = live.get(random.nextInt(live.size()));
      jti = picked.getKey();
      user = picked.getValue();
    }
    long asked = System.nanoTime();
    Optional<Session> found = ledger.call(touch ? "session.touch" : "session.get", true,
        () -> touch ? sessions.touch(user, jti) : sessions.get(user, jti), Optional::isPresent);
    if (found == null || found.isEmpty()) {
      return;
    }
    Long revokedWhen = revokedAt.get(jti);
    if (revokedWhen != null && revokedWhen < asked) {
      ledger.violation("revoked session reported valid", "user " + user + " jti " + jti);
    }
    Session session = found.get();
    if (!session.jti().equals(jti) || !session.deviceId().equals("device-" + user)
        || !session.userAgent().equals("agent-" + jti)) {
      ledger.violation("session of another user or jti returned", session + " for user " + user + " jti " + jti);
    }
  }

  private void revokeSession(Random random) {
    List<Map.Entry<String, String>> live = new ArrayList<>(liveSessions.entrySet());
    if (live.isEmpty()) {
      createSession(random);
      return;
    }
    Map.Entry<String, String> picked = live.get(random.nextInt(live.size()));
    String jti = picked.getKey();
    String user = picked.getValue();
    if (liveSessions.remove(jti) == null) {
      return;
    }
    unknownSessions.put(jti, user);
    Boolean existed = ledger.call("session.revoke", true, () -> sessions.revoke(user, jti), done -> false);
    if (existed != null) {
      unknownSessions.remove(jti);
      revokedAt.put(jti, System.nanoTime());
      revokedOwner.put(jti, user);
    }
  }

  private void acquire(Random random) {
    Limited target = limited.get(random.nextInt(limited.size()));
    boolean failOpen = target.limiter() == openLimiter;
    Decision decision = ledger.call(failOpen ? "ratelimit.failOpen" : "ratelimit.failClosed", !failOpen,
        () -> target.limiter().tryAcquire(target.key(), target.limit()),
        made -> made.allowed() && !made.decidedLocally());
    if (decision != null && decision.allowed()) {
      (decision.decidedLocally() ? allowedLocally : allowedByRedis)
          .computeIfAbsent(target.key(), key -> new LongAdder()).increment();
    }
  }

  private void requestCode(Random random) {
    String phone = phone(random);
    long start = System.nanoTime();
    OtpRequestResult result = ledger.call("otp.request", true, () -> otp.request(phone),
        done -> done instanceof OtpRequestResult.Issued);
    if (!(result instanceof OtpRequestResult.Issued)) {
      return;
    }
    Interval mine = new Interval(start, System.nanoTime());
    List<Interval> earlier = issued.computeIfAbsent(phone, key -> new ArrayList<>());
    synchronized (earlier) {
      for (Interval other : earlier) {
        // The two issues happened within these bounds; if even the widest gap is under the cooldown, they broke it.
        long widest = Math.max(mine.end() - other.start(), other.end() - mine.start());
        if (durable && widest < OTP_COOLDOWN.toNanos() - TimeUnit.MILLISECONDS.toNanos(5)) {
          ledger.violation("OTP issued twice within the cooldown", phone + " within " + widest / 1_000_000 + " ms");
        }
      }
      earlier.add(mine);
      if (earlier.size() > 4) {
        earlier.remove(0);
      }
    }
  }

  private void verifyCode(Random random) {
    String phone = phone(random);
    String sent = sentCodes.get(phone);
    boolean right = sent != null && random.nextBoolean();
    String code = right ? sent : WRONG_CODE;
    OtpVerifyResult result = ledger.call("otp.verify", true, () -> otp.verify(phone, code),
        OtpVerifyResult::isVerified);
    if (result != null && result.isVerified() && !right) {
      ledger.violation("wrong OTP code verified", phone);
    }
    if (result instanceof OtpVerifyResult.Verified verified) {
      tickets.put(phone, verified.ticket().value());
    }
  }

  private void consumeVerification(Random random) {
    String phone = phone(random);
    String ticket = tickets.getOrDefault(phone, "no-ticket");
    ledger.call("otp.consume", true, () -> otp.consumeVerification(phone, ticket), consumed -> consumed);
  }

  private void attackLogin(Random random) {
    String identifier = "victim-" + random.nextInt(VICTIMS);
    String address = "192.0.2." + (1 + random.nextInt(ATTACK_ADDRESSES));
    LoginCheck check = ledger.call("login.check", true, () -> login.check(identifier, address),
        LoginCheck::isAllowed);
    if (check == null || !check.isAllowed()) {
      return;
    }
    for (String counted : List.of("pair " + identifier + " " + address, "identifier " + identifier,
        "address " + address)) {
      loginAllowed.computeIfAbsent(counted, key -> new LongAdder()).increment();
    }
    ledger.call("login.recordFailure", true, () -> login.recordFailure(identifier, address), done -> false);
  }

  private void memberLogin(Random random) {
    int member = random.nextInt(MEMBERS);
    String identifier = "member-" + member;
    String address = "198.51.100." + (1 + member);
    LoginCheck check = ledger.call("login.check", true, () -> login.check(identifier, address),
        LoginCheck::isAllowed);
    if (check != null && check.isAllowed()) {
      ledger.call("login.recordSuccess", true, () -> {
        login.recordSuccess(identifier, address);
        return true;
      }, done -> false);
    }
  }

  private void readCache(Random random, RedisCache which, String operation) {
    String key = keys.cache("items", "i" + random.nextInt(CACHE_KEYS));
    Item item = ledger.call(operation, key, false,
        () -> which.getOrLoad(key, Duration.ofSeconds(2), Item.class, () -> newItem(key, random)), found -> false);
    checkItem(key, item, operation);
  }

  private void writeCache(Random random) {
    String key = keys.cache("items", "i" + random.nextInt(CACHE_KEYS));
    RedisCache which = random.nextBoolean() ? cache : nearCache;
    ledger.call("cache.put", true, () -> {
      which.put(key, newItem(key, random), Duration.ofSeconds(2));
      return true;
    }, done -> false);
  }

  private void invalidateCache(Random random) {
    String key = keys.cache("items", "i" + random.nextInt(CACHE_KEYS));
    RedisCache which = random.nextBoolean() ? cache : nearCache;
    ledger.call("cache.invalidate", true, () -> which.invalidate(key), done -> false);
  }

  private Item newItem(String key, Random random) {
    // Some bodies are above the compression threshold (1 KiB), so compressed entries are read under faults too.
    int length = 8 + random.nextInt(random.nextInt(10) == 0 ? 3_000 : 200);
    StringBuilder body = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      body.append((char) ('a' + random.nextInt(26)));
    }
    return Item.of(key, versions.incrementAndGet(), body.toString());
  }

  private void checkItem(String key, @Nullable Item item, String operation) {
    if (item == null) {
      return;
    }
    if (!item.key().equals(key)) {
      ledger.violation("cache returned another key's value", operation + " " + key + " got " + item.key());
    } else if (!item.isIntact()) {
      ledger.violation("cache returned a corrupt value", operation + " " + key);
    }
  }

  private void publish(Random random) {
    String channel = CHANNELS.get(random.nextInt(CHANNELS.size()));
    long number = sequence.incrementAndGet();
    Long receivers = ledger.call("pubsub.publish", false, () -> bus.publish(channel, new Event(channel, number)),
        done -> false);
    if (receivers != null) {
      acknowledgedEvents.get(channel).put(number, Boolean.TRUE);
    }
  }

  private void received(String channel, Event event) {
    if (!event.channel().equals(channel)) {
      ledger.violation("event delivered on another channel", event + " on " + channel);
    }
    Map<Long, Boolean> seen = receivedEvents.get(channel);
    if (seen == null || seen.put(event.sequence(), Boolean.TRUE) != null) {
      ledger.violation("event delivered twice", event.toString());
    }
  }

  /**
   * One INCR of the write counter, with its own id pushed to the write log by the same script: a write replayed after
   * a failure shows as a repeated id, whatever else was lost, where the counter alone would net it out.
   */
  private void countWrite() {
    attemptedIncrements.increment();
    String id = Long.toString(sequence.incrementAndGet());
    String[] counterAndLog = {keys.config("counter"), keys.config("counter-writes")};
    Long value = ledger.call("counter.incr", true, () -> redis.runtime().await(redis.runtime().send(commands ->
        commands.<Long>eval(COUNT_WRITE, ScriptOutputType.INTEGER, counterAndLog, id))), done -> false);
    if (value != null) {
      acknowledgedIncrements.increment();
      acknowledgedWrites.add(id);
    }
  }

  private static String phone(Random random) {
    return "+1555010" + String.format("%04d", random.nextInt(PHONES));
  }

  // ---- recovery ----

  /**
   * Probes every capability until all of them work, at most {@code limit} from now, and returns how long that took
   * from {@code since} (when the fault ended), or null if they did not all work within the limit.
   */
  @Nullable Duration awaitRecovery(long since, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    Random random = new Random(since);
    while (System.nanoTime() - deadline < 0) {
      if (probe(random)) {
        return Duration.ofNanos(System.nanoTime() - since);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    return null;
  }

  /** One call of every capability; true when each answered from Redis. */
  boolean probe(Random random) {
    try {
      String jti = SessionStore.newJti();
      sessions.create("probe", jti, Device.of("probe", "probe", UserType.BRAND));
      boolean sessionWorks = sessions.get("probe", jti).isPresent() && sessions.revoke("probe", jti);
      RateLimit generous = RateLimit.of(1_000_000, Duration.ofMinutes(1));
      boolean limiterWorks = !closedLimiter.tryAcquire(keys.apiLimit("probe", "closed"), generous).decidedLocally()
          && !openLimiter.tryAcquire(keys.apiLimit("probe", "open"), generous).decidedLocally();
      otp.verify("+15550109999", WRONG_CODE);
      login.check("probe", "203.0.113.1");
      login.recordSuccess("probe", "203.0.113.1");
      boolean cacheWorks = true;
      for (RedisCache which : List.of(cache, nearCache)) {
        String key = keys.cache("probe", which.name());
        Item item = newItem(key, random);
        which.put(key, item, Duration.ofSeconds(5));
        CacheLookup<Item> lookup = which.get(key, Item.class);
        cacheWorks &= lookup instanceof CacheLookup.Hit<Item> hit && hit.value().equals(item);
      }
      probeEvents.clear();
      long number = sequence.incrementAndGet();
      bus.publish("probe", new Event("probe", number));
      Long delivered = probeEvents.poll(300, TimeUnit.MILLISECONDS);
      boolean busWorks = delivered != null && delivered == number;
      return sessionWorks && limiterWorks && cacheWorks && busWorks && health.health().isUp();
    } catch (RuntimeException notYet) {
      return false;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  // ---- invariants checked from counts ----

  /**
   * Checks what can only be judged once the load is over and every capability works again: acknowledged sessions
   * still readable, admissions within the limits, events neither duplicated nor (while connected) lost.
   */
  Counts settle() {
    long lostSessions = 0;
    if (durable) {
      for (Map.Entry<String, String> live : liveSessions.entrySet()) {
        Optional<Session> found = ledger.call("session.get (final)", true,
            () -> sessions.get(live.getValue(), live.getKey()), Optional::isPresent);
        if (found != null && found.isEmpty()) {
          lostSessions++;
          ledger.violation("acknowledged session lost", "user " + live.getValue() + " jti " + live.getKey());
        }
      }
    }
    long lostIncrements = 0;
    long doubleIncrements = 0;
    String stored = ledger.call("counter.get (final)", true, () -> redis.get(keys.config("counter")), done -> false);
    long counted = stored == null ? 0 : Long.parseLong(stored);
    List<String> written = ledger.call("counter write log (final)", true,
        () -> redis.runtime().await(redis.runtime().send(commands ->
            commands.lrange(keys.config("counter-writes"), 0, -1))), done -> false);
    Set<String> distinct = new HashSet<>();
    for (String id : written == null ? List.<String>of() : written) {
      if (!distinct.add(id)) {
        doubleIncrements++;
        ledger.violation("increment applied twice", "write " + id + " is in the write log more than once");
      }
    }
    if (durable) {
      for (String id : acknowledgedWrites) {
        if (!distinct.contains(id)) {
          lostIncrements++;
          ledger.violation("acknowledged increment lost", "write " + id + " is not in the write log");
        }
      }
    }
    double elapsed = (System.nanoTime() - startedAt) / 1e9;
    long overAdmitted = 0;
    long overLocal = 0;
    for (Limited target : limited) {
      long bound = admissionBound(target.limit(), elapsed);
      long byRedis = count(allowedByRedis, target.key());
      long locally = count(allowedLocally, target.key());
      if (byRedis > bound) {
        overAdmitted += byRedis - bound;
        if (durable) {
          ledger.violation("rate limit over-admitted while Redis was reachable",
              target.key() + ": " + byRedis + " allowed, bound " + bound);
        }
      }
      if (locally > bound) {
        overLocal += locally - bound;
        ledger.violation("fail-open decisions beyond the local insurance limit",
            target.key() + ": " + locally + " allowed locally, bound " + bound);
      }
    }
    long overLogin = 0;
    for (Map.Entry<String, LongAdder> allowed : loginAllowed.entrySet()) {
      String subject = allowed.getKey();
      int max = subject.startsWith("pair ") ? loginPolicy.pair().maxFailures()
          : subject.startsWith("identifier ") ? loginPolicy.identifier().maxFailures()
          : loginPolicy.address().maxFailures();
      long excess = allowed.getValue().sum() - max;
      if (excess > 0) {
        overLogin += excess;
        if (durable) {
          ledger.violation("login attempts allowed beyond the threshold", subject + ": " + allowed.getValue().sum());
        }
      }
    }
    long acknowledged = 0;
    long lostEvents = 0;
    for (String channel : CHANNELS) {
      Map<Long, Boolean> received = receivedEvents.get(channel);
      for (Long number : acknowledgedEvents.get(channel).keySet()) {
        acknowledged++;
        if (!received.containsKey(number)) {
          lostEvents++;
        }
      }
    }
    return new Counts(liveSessions.size(), lostSessions, revokedAt.size(), overAdmitted, overLocal,
        totalOf(allowedByRedis), totalOf(allowedLocally), overLogin, acknowledged, lostEvents,
        degraded(CACHE) + degraded(NEAR_CACHE), degraded(CACHE), acknowledgedIncrements.sum(), counted,
        attemptedIncrements.sum(),
        lostIncrements, doubleIncrements);
  }

  /** The most admissions {@code limit} allows over {@code seconds} from a full start. */
  static long admissionBound(RateLimit limit, double seconds) {
    double windows = seconds * 1000 / limit.window().toMillis();
    return switch (limit.algorithm()) {
      case FIXED_WINDOW -> limit.limit() * (1 + (long) Math.floor(windows));
      case SLIDING_WINDOW -> limit.limit() + (long) Math.ceil(limit.limit() * windows) + 1;
      case GCRA -> limit.capacity() + (long) Math.ceil(limit.limit() * windows) + 1;
    };
  }

  /** How many times the named cache degraded so far. */
  long degraded(String cacheName) {
    return redis.runtime().counters().counter("cloutsy.redis.cache.degraded", "cache", cacheName).count();
  }

  FeatureCounters counters() {
    return redis.runtime().counters();
  }

  private static long count(Map<String, LongAdder> counts, String key) {
    LongAdder count = counts.get(key);
    return count == null ? 0 : count.sum();
  }

  private static long totalOf(Map<String, LongAdder> counts) {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /**
   * What the load added up to.
   *
   * @param liveSessions sessions acknowledged and never revoked
   * @param lostSessions of those, how many could not be read at the end
   * @param revokedSessions revokes acknowledged
   * @param overAdmitted admissions by Redis beyond the limits
   * @param overLocal admissions by the insurance limiter beyond its limit
   * @param allowedByRedis admissions Redis decided
   * @param allowedLocally admissions the insurance limiter decided
   * @param overLogin login attempts allowed beyond a threshold
   * @param acknowledgedEvents publishes Redis acknowledged
   * @param lostEvents of those, how many never reached the subscriber
   * @param degraded cache reads and writes that degraded
   * @param cacheDegraded of those, the ones of the cache without a near cache
   * @param acknowledgedIncrements INCRs of the write counter that returned
   * @param countedIncrements the counter's value at the end
   * @param attemptedIncrements INCRs of the write counter sent, whatever their outcome
   * @param lostIncrements acknowledged INCRs whose write id is missing from the write log
   * @param doubleIncrements write ids found more than once in the write log: a write replayed
   */
  record Counts(long liveSessions, long lostSessions, long revokedSessions, long overAdmitted, long overLocal,
      long allowedByRedis, long allowedLocally, long overLogin, long acknowledgedEvents, long lostEvents,
      long degraded, long cacheDegraded, long acknowledgedIncrements, long countedIncrements, long attemptedIncrements,
      long lostIncrements, long doubleIncrements) {}

  @Override
  public void close() {
    subscriptions.forEach(Subscription::close);
    bus.close();
    health.close();
    nearCache.close();
    cache.close();
    redis.close();
  }
}
