package com.cloutsy.redis;

import static java.util.concurrent.CompletableFuture.completedFuture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.cloutsy.redis.cache.CacheLookup;
import com.cloutsy.redis.cache.CachePolicy;
import com.cloutsy.redis.cache.HashCache;
import com.cloutsy.redis.cache.RedisCache;
import com.cloutsy.redis.config.HmacKey;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.login.LoginCheck;
import com.cloutsy.redis.login.LoginGuard;
import com.cloutsy.redis.login.LoginPolicy;
import com.cloutsy.redis.otp.OtpGuard;
import com.cloutsy.redis.otp.OtpMessage;
import com.cloutsy.redis.otp.OtpPolicy;
import com.cloutsy.redis.otp.OtpRequestResult;
import com.cloutsy.redis.otp.OtpSecret;
import com.cloutsy.redis.otp.OtpVerifyResult;
import com.cloutsy.redis.ratelimit.Algorithm;
import com.cloutsy.redis.ratelimit.Cooldown;
import com.cloutsy.redis.ratelimit.Decision;
import com.cloutsy.redis.ratelimit.FailurePolicy;
import com.cloutsy.redis.ratelimit.RateLimit;
import com.cloutsy.redis.ratelimit.RateLimiter;
import com.cloutsy.redis.session.Device;
import com.cloutsy.redis.session.SessionStore;
import com.cloutsy.redis.session.UserType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.awaitility.core.ThrowingRunnable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * The failure table of DESIGN.md ("Failure policy") as one contract: every public call of every capability, in its
 * blocking and its asynchronous form, while its server is stopped and while it is paused (SIGSTOP: connections stay
 * open and commands hang until the command timeout), then again once the fault is lifted. Each fault has a dedicated
 * server.
 *
 * <p>A row of {@link #table()} names a capability's call and what it must do while Redis cannot be asked:
 * <ul>
 *   <li>{@link #degradesTo}: the cache's answer without Redis (the loader's value, a miss), and nothing thrown;
 *   <li>{@link #decidesLocally}: a fail-open limiter's in-process decision, with the same limit;
 *   <li>{@link #FAILS_CLOSED}: {@link RedisUnavailableException} naming the endpoint; an asynchronous form throws
 *       nothing itself and its stage fails with it.
 * </ul>
 * Whatever the policy, a stopped server fails calls at once (no offline queue), a paused one makes each call wait for
 * about the command timeout and never much longer, and an asynchronous form returns its stage at once. After the
 * fault each row's call answers normally again and each capability does its job again. A new capability is a new
 * entry in {@link #table()}: its rows and what "works again" means for it.
 *
 * <p>The calls under one fault run at the same time, each timed on its own, so a paused server costs one command
 * timeout rather than one per call; each row's tests then judge its outcome. Every call uses keys of its own.
 */
@WithRedis
class FailurePolicyContractTest {

  private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
  /** A paused server's call waited for the server rather than deciding without it. */
  private static final Duration PAUSED_AT_LEAST = COMMAND_TIMEOUT.multipliedBy(9).dividedBy(10);
  /** A paused server's call ends after about one command timeout, never two. */
  private static final Duration PAUSED_AT_MOST = COMMAND_TIMEOUT.multipliedBy(3).dividedBy(2);
  /** An asynchronous form hands back its stage without waiting for Redis. */
  private static final Duration STAGE_RETURNED_WITHIN = COMMAND_TIMEOUT.dividedBy(2);
  private static final Duration RECOVERY = Duration.ofSeconds(10);
  private static final Duration TTL = Duration.ofMinutes(5);
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration PERIOD = Duration.ofMinutes(1);
  private static final long LIMIT = 2;
  private static final RateLimit PER_HOUR = RateLimit.of(LIMIT, HOUR);
  private static final String LOADED = "from the loader";
  private static final String ADDRESS = "10.0.0.1";
  private static final Device PHONE = Device.of("phone-1", "test agent", UserType.INFLUENCER);

  @TestFactory
  Stream<DynamicNode> whileTheServerIsStopped(EmbeddedRedis server) {
    return contract(Fault.STOPPED, server);
  }

  @TestFactory
  Stream<DynamicNode> whileTheServerIsPaused(EmbeddedRedis server) {
    return contract(Fault.PAUSED, server);
  }

  // ---- the table ----

  /** Every capability, its calls with their policy, and what "works again" means for it. */
  private static List<Capability> table() {
    return List.of(
        cache("RedisCache", c -> c.cache),
        cache("RedisCache with a near cache", c -> c.nearCache),
        new Capability("HashCache", List.of(
            row("hget", degradesTo("null", null), (c, t) -> c.hashes().hget(c.prefsKey(t), "theme", String.class),
                (c, t) -> c.hashes().hgetAsync(c.prefsKey(t), "theme", String.class)),
            row("hgetAll", degradesTo("an empty map", Map.of()),
                (c, t) -> c.hashes().hgetAll(c.prefsKey(t), String.class),
                (c, t) -> c.hashes().hgetAllAsync(c.prefsKey(t), String.class)),
            row("hgetAllAsRecord", degradesTo("null", null),
                (c, t) -> c.hashes().hgetAllAsRecord(c.prefsKey(t), Prefs.class),
                (c, t) -> c.hashes().hgetAllAsRecordAsync(c.prefsKey(t), Prefs.class)),
            row("hset", FAILS_CLOSED, (c, t) -> c.hashes().hset(c.prefsKey(t), "theme", "dark", TTL),
                (c, t) -> c.hashes().hsetAsync(c.prefsKey(t), "theme", "dark", TTL)),
            row("hsetAll(Map)", FAILS_CLOSED, (c, t) -> c.hashes().hsetAll(c.prefsKey(t), Map.of("theme", "dark"), TTL),
                (c, t) -> c.hashes().hsetAllAsync(c.prefsKey(t), Map.of("theme", "dark"), TTL)),
            row("hsetAll(Record)", FAILS_CLOSED, (c, t) -> c.hashes().hsetAll(c.prefsKey(t), new Prefs("dark"), TTL),
                (c, t) -> c.hashes().hsetAllAsync(c.prefsKey(t), new Prefs("dark"), TTL)),
            row("hdel", FAILS_CLOSED, (c, t) -> c.hashes().hdel(c.prefsKey(t), "theme"),
                (c, t) -> c.hashes().hdelAsync(c.prefsKey(t), "theme"))),
            (c, t) -> {
              c.hashes().hset(c.prefsKey(t), "theme", "dark", TTL);
              assertThat(c.hashes().hgetAllAsRecord(c.prefsKey(t), Prefs.class)).isEqualTo(new Prefs("dark"));
            }),
        limiter("RateLimiter", FailurePolicy.FAIL_OPEN, c -> c.failOpen,
            taken -> decidesLocally(LIMIT, LIMIT - taken), FailurePolicy.FAIL_CLOSED, FAILS_CLOSED),
        limiter("RateLimiter.create(redis)", FailurePolicy.FAIL_CLOSED, c -> c.failClosed,
            taken -> FAILS_CLOSED, FailurePolicy.FAIL_OPEN, decidesLocally(LIMIT, LIMIT - 1)),
        cooldown("Cooldown", FailurePolicy.FAIL_OPEN, c -> c.failOpenCooldown, taken -> decidesLocally(1, 1 - taken)),
        cooldown("Cooldown.create(redis)", FailurePolicy.FAIL_CLOSED, c -> c.failClosedCooldown, taken -> FAILS_CLOSED),
        new Capability("OtpGuard", List.of(
            row("request", FAILS_CLOSED_SENDING_NOTHING, (c, t) -> c.otp.request(t.phone()),
                (c, t) -> c.otp.requestAsync(t.phone(), OtpGuard.DEFAULT_PURPOSE)),
            row("verify", FAILS_CLOSED, (c, t) -> c.otp.verify(t.phone(), "123456"),
                (c, t) -> c.otp.verifyAsync(t.phone(), "123456", OtpGuard.DEFAULT_PURPOSE)),
            row("isVerified", FAILS_CLOSED, (c, t) -> c.otp.isVerified(t.phone(), "ticket"),
                (c, t) -> c.otp.isVerifiedAsync(t.phone(), "ticket", OtpGuard.DEFAULT_PURPOSE)),
            row("consumeVerification", FAILS_CLOSED, (c, t) -> c.otp.consumeVerification(t.phone(), "ticket"),
                (c, t) -> c.otp.consumeVerificationAsync(t.phone(), "ticket", OtpGuard.DEFAULT_PURPOSE)),
            row("consumeUnboundVerification", FAILS_CLOSED,
                (c, t) -> c.migratingOtp.consumeUnboundVerification(t.phone()),
                (c, t) -> c.migratingOtp.consumeUnboundVerificationAsync(t.phone(), OtpGuard.DEFAULT_PURPOSE))),
            (c, t) -> {
              assertThat(c.otp.request(t.phone())).isInstanceOf(OtpRequestResult.Issued.class);
              OtpVerifyResult verified = c.otp.verify(t.phone(), c.codeSentTo(t.phone()));
              assertThat(verified).isInstanceOf(OtpVerifyResult.Verified.class);
              String ticket = ((OtpVerifyResult.Verified) verified).ticket().value();
              assertThat(c.otp.isVerified(t.phone(), ticket)).isTrue();
              assertThat(c.otp.consumeVerification(t.phone(), ticket)).isTrue();
            }),
        new Capability("LoginGuard", List.of(
            row("check", FAILS_CLOSED, (c, t) -> c.login.check(t.id(), ADDRESS),
                (c, t) -> c.login.checkAsync(t.id(), ADDRESS, null)),
            row("check from a known device", FAILS_CLOSED, (c, t) -> c.login.check(t.id(), ADDRESS, c.device(t)),
                (c, t) -> c.login.checkAsync(t.id(), ADDRESS, c.device(t))),
            row("recordFailure", FAILS_CLOSED, (c, t) -> c.login.recordFailure(t.id(), ADDRESS),
                (c, t) -> c.login.recordFailureAsync(t.id(), ADDRESS, null)),
            row("recordFailure from a known device", FAILS_CLOSED,
                (c, t) -> c.login.recordFailure(t.id(), ADDRESS, c.device(t)),
                (c, t) -> c.login.recordFailureAsync(t.id(), ADDRESS, c.device(t))),
            row("recordSuccess", FAILS_CLOSED, (c, t) -> nothing(() -> c.login.recordSuccess(t.id(), ADDRESS)),
                (c, t) -> c.login.recordSuccessAsync(t.id(), ADDRESS, null)),
            row("recordSuccess from a known device", FAILS_CLOSED,
                (c, t) -> nothing(() -> c.login.recordSuccess(t.id(), ADDRESS, c.device(t))),
                (c, t) -> c.login.recordSuccessAsync(t.id(), ADDRESS, c.device(t)))),
            (c, t) -> {
              int pair = c.login.policy().pair().maxFailures();
              assertThat(c.login.check(t.id(), ADDRESS)).isEqualTo(LoginCheck.allowed(pair - 1));
              assertThat(c.login.check(t.id(), ADDRESS)).as("counted in Redis").isEqualTo(LoginCheck.allowed(pair - 2));
              c.login.recordSuccess(t.id(), ADDRESS);
              assertThat(c.login.check(t.id(), ADDRESS)).as("reset by the success")
                  .isEqualTo(LoginCheck.allowed(pair - 1));
            }),
        new Capability("SessionStore", List.of(
            row("create", FAILS_CLOSED, (c, t) -> c.sessions.create(t.id(), t.jti(), PHONE),
                (c, t) -> c.sessions.createAsync(t.id(), t.jti(), PHONE)),
            row("create with a new jti", FAILS_CLOSED, (c, t) -> c.sessions.create(t.id(), PHONE),
                (c, t) -> c.sessions.createAsync(t.id(), PHONE)),
            row("get", FAILS_CLOSED, (c, t) -> c.sessions.get(t.id(), t.jti()),
                (c, t) -> c.sessions.getAsync(t.id(), t.jti())),
            row("touch", FAILS_CLOSED, (c, t) -> c.sessions.touch(t.id(), t.jti()),
                (c, t) -> c.sessions.touchAsync(t.id(), t.jti())),
            row("list", FAILS_CLOSED, (c, t) -> c.sessions.list(t.id()), (c, t) -> c.sessions.listAsync(t.id())),
            row("count", FAILS_CLOSED, (c, t) -> c.sessions.count(t.id()), (c, t) -> c.sessions.countAsync(t.id())),
            row("revoke", FAILS_CLOSED, (c, t) -> c.sessions.revoke(t.id(), t.jti()),
                (c, t) -> c.sessions.revokeAsync(t.id(), t.jti())),
            row("revokeAll", FAILS_CLOSED, (c, t) -> c.sessions.revokeAll(t.id()),
                (c, t) -> c.sessions.revokeAllAsync(t.id())),
            row("revokeAllExcept", FAILS_CLOSED, (c, t) -> c.sessions.revokeAllExcept(t.id(), t.jti()),
                (c, t) -> c.sessions.revokeAllExceptAsync(t.id(), t.jti()))),
            (c, t) -> {
              assertThat(c.sessions.get(Capabilities.SEEDED_USER, Capabilities.SEEDED_JTI).isPresent())
                  .as("the session from before the fault, which a %s server %s", c.fault, c.fault.keepsData
                      ? "keeps" : "restarted without persistence has lost")
                  .isEqualTo(c.fault.keepsData);
              c.sessions.create(t.id(), t.jti(), PHONE);
              assertThat(c.sessions.get(t.id(), t.jti())).isPresent();
              assertThat(c.sessions.touch(t.id(), t.jti())).isPresent();
              assertThat(c.sessions.list(t.id())).hasSize(1);
              assertThat(c.sessions.revoke(t.id(), t.jti())).isTrue();
              assertThat(c.sessions.get(t.id(), t.jti())).isEmpty();
            }));
  }

  private static Capability cache(String name, Function<Capabilities, RedisCache> which) {
    return new Capability(name, List.of(
        row("getOrLoad", degradesTo("the loader's value", LOADED),
            (c, t) -> which.apply(c).getOrLoad(c.cacheKey(t), TTL, String.class, () -> LOADED),
            (c, t) -> which.apply(c).getOrLoadAsync(c.cacheKey(t), TTL, String.class, () -> completedFuture(LOADED))),
        row("get", degradesTo("a miss", new CacheLookup.Miss<String>()),
            (c, t) -> which.apply(c).get(c.cacheKey(t), String.class),
            (c, t) -> which.apply(c).getAsync(c.cacheKey(t), String.class)),
        row("put", FAILS_CLOSED, (c, t) -> nothing(() -> which.apply(c).put(c.cacheKey(t), "value", TTL)),
            (c, t) -> which.apply(c).putAsync(c.cacheKey(t), "value", TTL)),
        row("invalidate", FAILS_CLOSED, (c, t) -> which.apply(c).invalidate(c.cacheKey(t)),
            (c, t) -> which.apply(c).invalidateAsync(c.cacheKey(t))),
        row("invalidatePrefix", FAILS_CLOSED, (c, t) -> which.apply(c).invalidatePrefix(c.cacheKey(t)),
            (c, t) -> which.apply(c).invalidatePrefixAsync(c.cacheKey(t)))),
        (c, t) -> {
          RedisCache cache = which.apply(c);
          assertThat(cache.getOrLoad(c.cacheKey(t), TTL, String.class, () -> "loaded again")).isEqualTo("loaded again");
          assertThat(cache.get(c.cacheKey(t), String.class)).isEqualTo(new CacheLookup.Hit<>("loaded again"));
          assertThat(cache.get(c.cacheKey(t), String.class)).isEqualTo(new CacheLookup.Hit<>("loaded again"));
        });
  }

  /**
   * The rows of a limiter with {@code policy}: {@code decisions} is the policy of a decision that takes so many
   * permits; reset fails closed whatever the policy, and the same limiter with {@code other} policy follows
   * {@code otherDecision}.
   */
  private static Capability limiter(String name, FailurePolicy policy, Function<Capabilities, RateLimiter> which,
      LongFunction<Expect> decisions, FailurePolicy other, Expect otherDecision) {
    List<Row> rows = new ArrayList<>();
    for (Algorithm algorithm : Algorithm.values()) {
      RateLimit limit = new RateLimit(LIMIT, HOUR, 0, algorithm);
      rows.add(row("tryAcquire " + algorithm, decisions.apply(1),
          (c, t) -> which.apply(c).tryAcquire(c.limitKey(t), limit),
          (c, t) -> which.apply(c).tryAcquireAsync(c.limitKey(t), limit)));
    }
    rows.add(row("tryAcquire " + LIMIT + " permits", decisions.apply(LIMIT),
        (c, t) -> which.apply(c).tryAcquire(c.limitKey(t), PER_HOUR, LIMIT),
        (c, t) -> which.apply(c).tryAcquireAsync(c.limitKey(t), PER_HOUR, LIMIT)));
    rows.add(row("peek", decisions.apply(0), (c, t) -> which.apply(c).peek(c.limitKey(t), PER_HOUR),
        (c, t) -> which.apply(c).peekAsync(c.limitKey(t), PER_HOUR)));
    rows.add(row("reset", FAILS_CLOSED, (c, t) -> which.apply(c).reset(c.limitKey(t)),
        (c, t) -> which.apply(c).resetAsync(c.limitKey(t))));
    rows.add(row("withFailurePolicy(" + other + ").tryAcquire", otherDecision,
        (c, t) -> which.apply(c).withFailurePolicy(other).tryAcquire(c.limitKey(t), PER_HOUR),
        (c, t) -> which.apply(c).withFailurePolicy(other).tryAcquireAsync(c.limitKey(t), PER_HOUR)));
    return new Capability(name + " " + policy, rows, (c, t) -> {
      assertThat(which.apply(c).failurePolicy()).isEqualTo(policy);
      Decision decision = which.apply(c).tryAcquire(c.limitKey(t), PER_HOUR);
      assertThat(decision.allowed()).isTrue();
      assertThat(decision.decidedLocally()).as("decided in Redis again").isFalse();
      assertThat(TestRedis.sync(c.redis).pttl(c.limitKey(t))).as("the count is in Redis").isPositive();
    });
  }

  private static Capability cooldown(String name, FailurePolicy policy, Function<Capabilities, Cooldown> which,
      LongFunction<Expect> decisions) {
    return new Capability(name + " " + policy, List.of(
        row("tryStart", decisions.apply(1), (c, t) -> which.apply(c).tryStart(c.cooldownKey(t), PERIOD),
            (c, t) -> which.apply(c).tryStartAsync(c.cooldownKey(t), PERIOD)),
        row("peek", decisions.apply(0), (c, t) -> which.apply(c).peek(c.cooldownKey(t), PERIOD),
            (c, t) -> which.apply(c).peekAsync(c.cooldownKey(t), PERIOD)),
        row("reset", FAILS_CLOSED, (c, t) -> which.apply(c).reset(c.cooldownKey(t)),
            (c, t) -> which.apply(c).resetAsync(c.cooldownKey(t)))),
        (c, t) -> {
          assertThat(which.apply(c).failurePolicy()).isEqualTo(policy);
          Decision started = which.apply(c).tryStart(c.cooldownKey(t), PERIOD);
          Decision active = which.apply(c).tryStart(c.cooldownKey(t), PERIOD);
          assertThat(started.allowed()).isTrue();
          assertThat(started.decidedLocally()).isFalse();
          assertThat(active.allowed()).as("Redis holds the cooldown").isFalse();
          assertThat(active.decidedLocally()).isFalse();
          assertThat(active.retryAfter()).isPositive().isLessThanOrEqualTo(PERIOD);
        });
  }

  /** A hash cached as a record. */
  record Prefs(@Nullable String theme) {}

  // ---- policies ----

  /**
   * What a call must do while its server is stopped or paused ({@code whileDown}, given the call's outcome), and
   * what it must return once the server is back ({@code answeredAgain}).
   */
  private record Expect(String description, Judge whileDown, Judge answeredAgain) {

    Expect(String description, Judge whileDown) {
      this(description, whileDown, (outcome, capabilities) -> {});
    }
  }

  @FunctionalInterface
  private interface Judge {
    void judge(Outcome outcome, Capabilities capabilities);
  }

  /** The call throws {@link RedisUnavailableException}, or its stage fails with it. */
  private static final Expect FAILS_CLOSED = new Expect("fails closed", (outcome, capabilities) ->
      assertThat(outcome.failure()).as("what %s failed with; it returned %s", outcome.form(), outcome.value())
          .isInstanceOf(RedisUnavailableException.class).hasMessageContaining(capabilities.endpoint()));

  /** OTP's request fails closed, and no code reaches the sender, since none could be stored. */
  private static final Expect FAILS_CLOSED_SENDING_NOTHING = new Expect("fails closed and sends no code",
      (outcome, capabilities) -> {
        FAILS_CLOSED.whileDown().judge(outcome, capabilities);
        assertThat(capabilities.sentWhileDown).as("codes sent while Redis was unavailable").isEmpty();
      });

  /** The call returns {@code expected}, as it would for an empty cache, and throws nothing. */
  private static Expect degradesTo(String description, @Nullable Object expected) {
    return new Expect("degrades to " + description, (outcome, capabilities) -> {
      assertThat(outcome.failure()).as("the failure of %s", outcome.form()).isNull();
      assertThat(outcome.value()).isEqualTo(expected);
    });
  }

  /** The in-process insurance limiter decides, with the same limit: allowed, {@code remaining} left. */
  private static Expect decidesLocally(long limit, long remaining) {
    return new Expect("decides locally with the same limit", (outcome, capabilities) -> {
      assertThat(outcome.failure()).as("the failure of %s", outcome.form()).isNull();
      assertThat(outcome.value()).isInstanceOfSatisfying(Decision.class, decision -> {
        assertThat(decision.decidedLocally()).as("decided locally").isTrue();
        assertThat(decision.allowed()).as("allowed").isTrue();
        assertThat(decision.limit()).as("limit").isEqualTo(limit);
        assertThat(decision.remaining()).as("remaining").isEqualTo(remaining);
      });
    }, (outcome, capabilities) -> assertThat(outcome.value()).isInstanceOfSatisfying(Decision.class,
        decision -> assertThat(decision.decidedLocally()).as("decided in Redis again").isFalse()));
  }

  // ---- faults ----

  private enum Fault {

    STOPPED(false) {
      @Override
      void apply(Capabilities capabilities) {
        capabilities.server.stop();
        await().atMost(RECOVERY).until(() -> !capabilities.redis.isConnected());
      }

      @Override
      void lift(Capabilities capabilities) {
        capabilities.server.restart();
      }

      @Override
      void checkTime(Outcome outcome) {
        assertThat(outcome.elapsed()).as("%s fails at once: no command waits for a connection", outcome.form())
            .isLessThan(COMMAND_TIMEOUT);
      }
    },

    PAUSED(true) {
      @Override
      void apply(Capabilities capabilities) {
        capabilities.server.pause();
      }

      @Override
      void lift(Capabilities capabilities) {
        capabilities.server.resume();
      }

      @Override
      void checkTime(Outcome outcome) {
        assertThat(outcome.elapsed())
            .as("%s waits for the server for about the command timeout %s, not twice", outcome.form(),
                COMMAND_TIMEOUT)
            .isBetween(PAUSED_AT_LEAST, PAUSED_AT_MOST);
      }
    };

    /** Whether what the server held before the fault is still there after it. */
    final boolean keepsData;

    Fault(boolean keepsData) {
      this.keepsData = keepsData;
    }

    abstract void apply(Capabilities capabilities);

    abstract void lift(Capabilities capabilities);

    abstract void checkTime(Outcome outcome);
  }

  // ---- running the table ----

  private static Stream<DynamicNode> contract(Fault fault, EmbeddedRedis server) {
    Capabilities capabilities = new Capabilities(fault, server);
    List<Capability> table = table();
    Phase phase = new Phase(capabilities, table);
    return table.stream().<DynamicNode>map(capability -> dynamicContainer(capability.name(), Stream.<DynamicNode>concat(
        capability.rows().stream().map(row -> dynamicContainer(row.call() + " " + row.expect().description(), Stream.of(
            dynamicTest("blocking", () -> phase.judge(row, Form.BLOCKING)),
            dynamicTest("async", () -> phase.judge(row, Form.ASYNC)),
            dynamicTest("answers again once the fault is lifted", () -> phase.answersAgain(row))))),
        Stream.of(dynamicTest("works again once the fault is lifted", () -> phase.worksAgain(capability))))))
        .onClose(capabilities::close);
  }

  /** A capability's rows, and a scenario that shows it works again after the fault. */
  private record Capability(String name, List<Row> rows, Scenario worksAgain) {}

  /** One call of a capability, in both forms, and its policy. */
  private record Row(String call, Expect expect, BlockingCall blocking, AsyncCall async) {}

  private static Row row(String call, Expect expect, BlockingCall blocking, AsyncCall async) {
    return new Row(call, expect, blocking, async);
  }

  @FunctionalInterface
  private interface BlockingCall {
    @Nullable Object call(Capabilities capabilities, Target target) throws Exception;
  }

  @FunctionalInterface
  private interface AsyncCall {
    CompletionStage<?> call(Capabilities capabilities, Target target);
  }

  @FunctionalInterface
  private interface Scenario {
    void run(Capabilities capabilities, Target target) throws Exception;
  }

  private static @Nullable Object nothing(Runnable call) {
    call.run();
    return null;
  }

  private enum Form { BLOCKING, ASYNC }

  /**
   * What one call did during the fault: its value or failure (for an asynchronous form, the failure of its stage),
   * how long it took to return (for an asynchronous form, its stage) and to finish.
   */
  private record Outcome(Form form, @Nullable Object value, @Nullable Throwable failure, boolean threwAtCall,
      Duration returned, Duration elapsed) {

    static Outcome unfinished(Form form, Throwable failure) {
      return new Outcome(form, null, failure, false, RECOVERY, RECOVERY);
    }
  }

  /** The ids of one call: a user, a phone and keys no other call uses. */
  private record Target(int number) {

    String id() {
      return "u" + number;
    }

    String jti() {
      return "jti-" + number;
    }

    String phone() {
      return String.format(Locale.ROOT, "+1555%07d", number);
    }
  }

  /**
   * The fault and what happened under it, once for all rows: it is applied, every call of the table runs at the
   * same time, and it is lifted, when the first test needs an outcome or the lifted state.
   */
  private static final class Phase {

    private final Capabilities capabilities;
    private final List<Capability> table;
    private @Nullable Map<Row, Map<Form, Outcome>> outcomes;

    Phase(Capabilities capabilities, List<Capability> table) {
      this.capabilities = capabilities;
      this.table = table;
    }

    void judge(Row row, Form form) {
      Outcome outcome = outcomes().get(row).get(form);
      assertThat(outcome.threwAtCall()).as("the asynchronous form throws nothing itself, its stage fails: %s",
          outcome.failure()).isFalse();
      row.expect().whileDown().judge(outcome, capabilities);
      capabilities.fault.checkTime(outcome);
      if (form == Form.ASYNC) {
        assertThat(outcome.returned()).as("the asynchronous form returns its stage at once")
            .isLessThan(STAGE_RETURNED_WITHIN);
      }
    }

    void answersAgain(Row row) {
      outcomes();
      untilRecovered(() -> {
        Outcome blocking = callBlocking(row, capabilities.next());
        Outcome async = callAsync(row, capabilities.next());
        for (Outcome outcome : List.of(blocking, async)) {
          if (outcome.failure() instanceof RedisUnavailableException stillDown) {
            throw stillDown;
          }
          assertThat(outcome.failure()).as("the failure of %s", outcome.form()).isNull();
          row.expect().answeredAgain().judge(outcome, capabilities);
        }
      });
    }

    void worksAgain(Capability capability) {
      outcomes();
      untilRecovered(() -> capability.worksAgain().run(capabilities, capabilities.next()));
    }

    /** Runs {@code check} until it passes: a restarted server takes a reconnect to be asked again. */
    private static void untilRecovered(ThrowingRunnable check) {
      await().atMost(RECOVERY).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
          .ignoreExceptionsInstanceOf(RedisUnavailableException.class).untilAsserted(check);
    }

    /**
     * Makes every call once in both forms while the server is up: each works, and nothing the calls load for the
     * first time (classes, scripts on the server) is timed under the fault.
     */
    private void warmUp(List<Row> rows) throws Exception {
      for (Row row : rows) {
        row.blocking().call(capabilities, capabilities.next());
        join(row.async().call(capabilities, capabilities.next()));
      }
    }

    private synchronized Map<Row, Map<Form, Outcome>> outcomes() {
      if (outcomes == null) {
        Map<Row, Map<Form, Future<Outcome>>> started = new LinkedHashMap<>();
        List<Row> rows = table.stream().flatMap(capability -> capability.rows().stream()).toList();
        try {
          warmUp(rows);
        } catch (Exception failed) {
          throw new AssertionError("a call failed while the server was up", failed);
        }
        ExecutorService callers = Executors.newFixedThreadPool(2 * rows.size());
        int sentBefore = capabilities.sent.size();
        capabilities.fault.apply(capabilities);
        try {
          for (Row row : rows) {
            Map<Form, Future<Outcome>> forms = new EnumMap<>(Form.class);
            Target blocking = capabilities.next();
            Target async = capabilities.next();
            forms.put(Form.BLOCKING, callers.submit(() -> callBlocking(row, blocking)));
            forms.put(Form.ASYNC, callers.submit(() -> callAsync(row, async)));
            started.put(row, forms);
          }
          Map<Row, Map<Form, Outcome>> done = new LinkedHashMap<>();
          started.forEach((row, forms) -> {
            Map<Form, Outcome> finished = new EnumMap<>(Form.class);
            forms.forEach((form, call) -> finished.put(form, finished(call, form)));
            done.put(row, finished);
          });
          capabilities.sentWhileDown = List.copyOf(capabilities.sent.subList(sentBefore, capabilities.sent.size()));
          outcomes = done;
        } finally {
          callers.shutdownNow();
          capabilities.fault.lift(capabilities);
        }
      }
      return outcomes;
    }

    private Outcome callBlocking(Row row, Target target) {
      long start = System.nanoTime();
      Object value = null;
      Throwable failure = null;
      try {
        value = row.blocking().call(capabilities, target);
      } catch (Exception thrown) {
        failure = thrown;
      }
      Duration elapsed = since(start);
      return new Outcome(Form.BLOCKING, value, failure, false, elapsed, elapsed);
    }

    private Outcome callAsync(Row row, Target target) throws InterruptedException {
      long start = System.nanoTime();
      CompletionStage<?> stage;
      try {
        stage = row.async().call(capabilities, target);
      } catch (RuntimeException thrown) {
        return new Outcome(Form.ASYNC, null, thrown, true, since(start), since(start));
      }
      Duration returned = since(start);
      Object value = null;
      Throwable failure = null;
      try {
        value = stage.toCompletableFuture().get(RECOVERY.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException failed) {
        failure = failed.getCause();
      } catch (TimeoutException never) {
        failure = new AssertionError("the stage did not complete within " + RECOVERY, never);
      }
      return new Outcome(Form.ASYNC, value, failure, false, returned, since(start));
    }

    /** The outcome of a call, or its failure to return at all, which fails its row only. */
    private static Outcome finished(Future<Outcome> call, Form form) {
      try {
        return call.get(RECOVERY.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException failed) {
        return Outcome.unfinished(form, failed.getCause());
      } catch (TimeoutException late) {
        return Outcome.unfinished(form, new AssertionError("the call did not return within " + RECOVERY, late));
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while the calls ran", interrupted);
      }
    }
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static @Nullable Object join(CompletionStage<?> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(RECOVERY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException failed) {
      throw failed.getCause() instanceof Exception cause ? cause : failed;
    }
  }

  /** One service on the fault's server, and every capability on it. */
  private static final class Capabilities implements AutoCloseable {

    static final String SEEDED_USER = "seeded";
    static final String SEEDED_JTI = "jti-seeded";

    final Fault fault;
    final EmbeddedRedis server;
    final RedisService redis;
    final RedisCache cache;
    final RedisCache nearCache;
    final RateLimiter failOpen;
    final RateLimiter failClosed;
    final Cooldown failOpenCooldown;
    final Cooldown failClosedCooldown;
    final List<OtpMessage> sent = new CopyOnWriteArrayList<>();
    final OtpGuard otp;
    final OtpGuard migratingOtp;
    final LoginGuard login;
    final SessionStore sessions;
    private final AtomicInteger targets = new AtomicInteger();
    volatile List<OtpMessage> sentWhileDown = List.of();

    Capabilities(Fault fault, EmbeddedRedis server) {
      this.fault = fault;
      this.server = server;
      this.redis = RedisService.start(RedisSettings.builder().url(server.uri()).commandTimeout(COMMAND_TIMEOUT)
          .connectTimeout(Duration.ofSeconds(1)).retryDelayOnFailover(Duration.ofMillis(20)).build());
      this.cache = RedisCache.create(redis, "users", CachePolicy.of(TTL));
      this.nearCache = RedisCache.create(redis, "profiles", CachePolicy.of(TTL).withNearCache(100, TTL));
      this.failOpen = RateLimiter.create(redis, FailurePolicy.FAIL_OPEN);
      this.failClosed = RateLimiter.create(redis);
      this.failOpenCooldown = Cooldown.create(redis, FailurePolicy.FAIL_OPEN);
      this.failClosedCooldown = Cooldown.create(redis);
      OtpPolicy otpPolicy = OtpPolicy.defaults(OtpSecret.of(HmacKey.generate()));
      this.otp = OtpGuard.create(redis, otpPolicy, message -> {
        sent.add(message);
        return completedFuture(null);
      });
      this.migratingOtp = OtpGuard.create(redis, otpPolicy.withUnboundVerificationAccepted(true),
          message -> completedFuture(null));
      this.login = LoginGuard.create(redis, LoginPolicy.defaults(), HmacKey.generate());
      this.sessions = SessionStore.create(redis);
      sessions.create(SEEDED_USER, SEEDED_JTI, PHONE);
    }

    Target next() {
      return new Target(targets.incrementAndGet());
    }

    String endpoint() {
      return server.host() + ":" + server.port();
    }

    HashCache hashes() {
      return cache.hashes();
    }

    String cacheKey(Target target) {
      return redis.keyNames().cache("users", target.id());
    }

    String prefsKey(Target target) {
      return redis.keyNames().userPrefs(target.id());
    }

    String limitKey(Target target) {
      return redis.keyNames().apiLimit(target.id(), "feed");
    }

    String cooldownKey(Target target) {
      return redis.keyNames().otpCooldown(target.phone());
    }

    String device(Target target) {
      return login.issueDeviceToken(target.id());
    }

    String codeSentTo(String phone) {
      return sent.stream().filter(message -> message.phone().equals(phone)).reduce((first, last) -> last)
          .map(OtpMessage::code).orElseThrow(() -> new AssertionError("no code was sent to " + phone));
    }

    @Override
    public void close() {
      otp.close();
      migratingOtp.close();
      nearCache.close();
      cache.close();
      redis.close();
    }
  }
}
