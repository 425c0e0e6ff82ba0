package com.cloutsy.redis.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.CommandStats;
import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisMatrix;
import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.keys.KeyLayout;
import com.cloutsy.redis.keys.Keys;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The OTP contract against a real Redis, in both key layouts. */
@RunsAs(LeastPrivilege.OTP)
@RedisMatrix(layouts = {KeyLayout.SEED, KeyLayout.CLUSTER}, topologies = {Topology.SINGLE, Topology.CLUSTER})
class OtpGuardTest {

  static final String SECRET_BASE64 = "9JJphaOLcICA8u9xWjfeU6nC8Nvqb/3C7QWfWJ5k3H8=";
  static final OtpSecret SECRET = OtpSecret.fromBase64(SECRET_BASE64);

  private final RedisEndpoint endpoint;
  private final KeyLayout layout;
  private final RecordingSender sender = new RecordingSender();
  private final List<RedisService> services = new ArrayList<>();
  private final List<OtpGuard> guards = new ArrayList<>();

  OtpGuardTest(RedisEndpoint endpoint, KeyLayout layout) {
    this.endpoint = endpoint;
    this.layout = layout;
  }

  @AfterEach
  void close() {
    guards.forEach(OtpGuard::close);
    services.forEach(RedisService::close);
  }

  private OtpGuard guard(OtpPolicy policy) {
    RedisService redis = TestRedis.start(endpoint, layout);
    services.add(redis);
    OtpGuard guard = OtpGuard.create(redis, policy, sender);
    guards.add(guard);
    return guard;
  }

  private OtpGuard guard() {
    return guard(OtpPolicy.defaults(SECRET));
  }

  /** The ticket of a verification that must have succeeded. */
  private static String ticket(OtpVerifyResult result) {
    assertThat(result).isInstanceOf(OtpVerifyResult.Verified.class);
    return ((OtpVerifyResult.Verified) result).ticket().value();
  }

  private static String phone() {
    return "+1555" + (1_000_000 + ThreadLocalRandom.current().nextInt(9_000_000));
  }

  private RedisClusterCommands<String, String> raw() {
    return TestRedis.sync(services.get(0));
  }

  private Keys keyNames() {
    return services.get(0).keyNames();
  }

  @Test
  void aRequestStoresOnlyTheHmacOfTheCodeAndStartsCooldownAndQuota() {
    OtpGuard guard = guard();
    String phone = phone();

    OtpRequestResult result = guard.request(phone);

    assertThat(result).isEqualTo(new OtpRequestResult.Issued(Duration.ofMinutes(5), Duration.ofSeconds(60)));
    String code = sender.lastCode();
    assertThat(code).hasSize(6).containsOnlyDigits();
    String stored = raw().get(keyNames().otpCode(phone));
    assertThat(stored).isEqualTo(SECRET.sign(OtpGuard.macInput(phone, "login", code))).doesNotContain(code);
    assertThat(raw().pttl(keyNames().otpCode(phone))).isBetween(Duration.ofMinutes(4).toMillis(), 300_000L);
    assertThat(raw().get(keyNames().otpCooldown(phone))).isEqualTo("1");
    assertThat(raw().pttl(keyNames().otpCooldown(phone))).isBetween(50_000L, 60_000L);
    assertThat(raw().get(keyNames().otpRequests(phone))).isEqualTo("1");
    assertThat(raw().pttl(keyNames().otpRequests(phone))).isBetween(Duration.ofMinutes(14).toMillis(), 900_000L);
  }

  @Test
  void aRequestWithinTheCooldownIsRefusedWithTheTimeLeftAndSendsNothing() {
    OtpGuard guard = guard();
    String phone = phone();
    guard.request(phone);

    OtpRequestResult second = guard.request(phone);

    assertThat(second).isInstanceOfSatisfying(OtpRequestResult.CooldownActive.class, cooldown ->
        assertThat(cooldown.retryAfter()).isBetween(Duration.ofSeconds(50), Duration.ofSeconds(60)));
    assertThat(sender.sent()).hasSize(1);
  }

  @Test
  void theQuotaWindowStartsAtTheFirstRequestAndLaterRequestsNeverExtendIt() {
    OtpGuard guard = guard(OtpPolicy.defaults(SECRET).withCooldown(Duration.ofMillis(1))
        .withRequestQuota(3, Duration.ofSeconds(30)));
    String phone = phone();
    List<Long> windowLeft = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      await().atMost(Duration.ofSeconds(2))
          .until(() -> guard.request(phone) instanceof OtpRequestResult.Issued);
      windowLeft.add(raw().pttl(keyNames().otpRequests(phone)));
    }

    await().atMost(Duration.ofSeconds(2)).until(() -> raw().exists(keyNames().otpCooldown(phone)) == 0);
    OtpRequestResult fourth = guard.request(phone);

    assertThat(windowLeft).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    assertThat(fourth).isInstanceOfSatisfying(OtpRequestResult.QuotaExceeded.class, quota ->
        assertThat(quota.retryAfter()).isLessThanOrEqualTo(Duration.ofMillis(windowLeft.get(2))));
    assertThat(sender.sent()).hasSize(3);
  }

  @Test
  void theRightCodeVerifiesOnceAndTheVerificationCanBeSpentOnce() {
    OtpGuard guard = guard();
    String phone = phone();
    guard.request(phone);

    OtpVerifyResult result = guard.verify(phone, sender.lastCode());

    assertThat(result).isInstanceOf(OtpVerifyResult.Verified.class);
    OtpVerifyResult.Verified verified = (OtpVerifyResult.Verified) result;
    String ticket = verified.ticket().value();
    assertThat(verified.window()).isEqualTo(Duration.ofMinutes(15));
    assertThat(raw().exists(keyNames().otpCode(phone), keyNames().otpAttempts(phone))).isZero();
    assertThat(raw().pttl(keyNames().otpVerified(phone))).isBetween(Duration.ofMinutes(14).toMillis(), 900_000L);
    assertThat(guard.isVerified(phone, ticket)).isTrue();
    assertThat(guard.verify(phone, sender.lastCode())).as("a used code is gone")
        .isEqualTo(new OtpVerifyResult.Expired());
    assertThat(guard.consumeVerification(phone, ticket)).isTrue();
    assertThat(guard.consumeVerification(phone, ticket)).isFalse();
    assertThat(guard.isVerified(phone, ticket)).isFalse();
    assertThat(raw().exists(keyNames().otpVerified(phone))).isZero();
  }

  @Test
  void onlyTheTicketOfTheVerificationSpendsItRegression16() {
    OtpGuard guard = guard();
    String phone = phone();
    guard.request(phone);
    String ticket = ticket(guard.verify(phone, sender.lastCode()));
    String otherPhone = phone();
    guard.request(otherPhone);
    String otherTicket = ticket(guard.verify(otherPhone, sender.lastCode()));

    assertThat(guard.consumeVerification(phone, "")).isFalse();
    assertThat(guard.consumeVerification(phone, "1")).isFalse();
    assertThat(guard.consumeVerification(phone, otherTicket)).as("another phone's ticket").isFalse();
    assertThat(guard.consumeVerification(phone, ticket.substring(1))).isFalse();
    assertThat(guard.consumeVerification(phone, ticket, "phone-change")).as("another purpose").isFalse();
    assertThat(guard.isVerified(phone, otherTicket)).isFalse();
    assertThat(raw().exists(keyNames().otpVerified(phone))).as("a wrong ticket spends nothing").isEqualTo(1);
    assertThat(guard.consumeVerificationAsync(phone, ticket, OtpGuard.DEFAULT_PURPOSE).toCompletableFuture().join())
        .isTrue();
    assertThat(guard.consumeVerification(otherPhone, otherTicket)).isTrue();
  }

  @Test
  void theVerifiedKeyHoldsThePurposeAndAnHmacOfTheTicketNeverTheTicket() {
    OtpGuard guard = guard();
    String phone = phone();
    guard.request(phone);
    VerificationTicket ticket = ((OtpVerifyResult.Verified) guard.verify(phone, sender.lastCode())).ticket();

    String stored = raw().get(keyNames().otpVerified(phone));

    assertThat(stored).startsWith("t1:login:").doesNotContain(ticket.value()).hasSize("t1:login:".length() + 43);
    assertThat(stored.substring("t1:login:".length()))
        .isEqualTo(SECRET.sign("ticket\n" + phone + "\nlogin\n" + ticket.value()));
    assertThat(ticket.value()).matches("[A-Za-z0-9_-]{43}");
    assertThat(ticket).hasToString("VerificationTicket[****]");
    assertThat(new OtpVerifyResult.Verified(Duration.ofMinutes(1), ticket).toString()).doesNotContain(ticket.value());
  }

  @Test
  void ticketsAreNeverRepeated() {
    Set<String> tickets = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      tickets.add(VerificationTicket.random().value());
    }
    assertThat(tickets).hasSize(10_000);
  }

  @Test
  void theSeedsBareFlagIsSpentOnlyWithTheMigrationOptInRegression16() {
    OtpGuard strict = guard();
    OtpGuard migrating = OtpGuard.create(services.get(0),
        OtpPolicy.defaults(SECRET).withUnboundVerificationAccepted(true), sender);
    guards.add(migrating);
    String phone = phone();
    raw().set(keyNames().otpVerified(phone), "1");

    assertThatIllegalStateException().isThrownBy(() -> strict.consumeUnboundVerification(phone))
        .withMessageContaining("accept-unbound-verification");
    assertThat(strict.consumeVerification(phone, "1")).isFalse();
    assertThat(migrating.consumeVerification(phone, "anything")).isFalse();
    assertThat(migrating.consumeUnboundVerification(phone)).isTrue();
    assertThat(migrating.consumeUnboundVerification(phone)).isFalse();

    migrating.request(phone);
    String ticket = ticket(migrating.verify(phone, sender.lastCode()));
    assertThat(migrating.consumeUnboundVerification(phone)).as("a ticket-bound verification needs its ticket")
        .isFalse();
    assertThat(migrating.consumeVerification(phone, ticket)).isTrue();
  }

  @Test
  void anAttackerPollingWithThePhoneAloneNeverSpendsTheVictimsVerificationRegression16() throws Exception {
    OtpGuard guard = guard(OtpPolicy.defaults(SECRET).withUnboundVerificationAccepted(true));
    String phone = phone();
    AtomicBoolean victimDone = new AtomicBoolean();
    AtomicInteger attackerWins = new AtomicInteger();
    ExecutorService attackers = Executors.newFixedThreadPool(4);
    List<Future<?>> polls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      polls.add(attackers.submit(() -> {
        for (int n = 0; n < 5_000 && !victimDone.get(); n++) {
          if (guard.consumeUnboundVerification(phone) || guard.consumeVerification(phone, "guess-" + n)) {
            attackerWins.incrementAndGet();
          }
        }
      }));
    }
    try {
      guard.request(phone);
      String ticket = ticket(guard.verify(phone, sender.lastCode()));
      boolean victim = guard.consumeVerification(phone, ticket);
      victimDone.set(true);
      for (Future<?> poll : polls) {
        poll.get(30, TimeUnit.SECONDS);
      }
      assertThat(victim).isTrue();
      assertThat(attackerWins).hasValue(0);
    } finally {
      attackers.shutdownNow();
    }
  }

  @Test
  void wrongCodesCountDownAndTheLastOneInvalidatesTheCode() {
    OtpGuard guard = guard();
    String phone = phone();
    guard.request(phone);
    String right = sender.lastCode();
    String wrong = right.equals("000000") ? "111111" : "000000";

    List<OtpVerifyResult> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      results.add(guard.verify(phone, wrong));
    }

    assertThat(results).containsExactly(new OtpVerifyResult.WrongCode(4), new OtpVerifyResult.WrongCode(3),
        new OtpVerifyResult.WrongCode(2), new OtpVerifyResult.WrongCode(1), new OtpVerifyResult.TooManyAttempts());
    assertThat(raw().exists(keyNames().otpCode(phone))).isZero();
    assertThat(guard.verify(phone, right)).isEqualTo(new OtpVerifyResult.TooManyAttempts());
    assertThat(raw().exists(keyNames().otpVerified(phone))).isZero();
  }

  @Test
  void aNewCodeStartsWithFreshAttempts() {
    OtpGuard guard = guard(OtpPolicy.defaults(SECRET).withCooldown(Duration.ofMillis(1)));
    String phone = phone();
    guard.request(phone);
    guard.verify(phone, "x");
    guard.verify(phone, "y");

    await().atMost(Duration.ofSeconds(2)).until(() -> guard.request(phone) instanceof OtpRequestResult.Issued);

    assertThat(guard.verify(phone, "z")).isEqualTo(new OtpVerifyResult.WrongCode(4));
  }

  @Test
  void anExpiredOrNeverIssuedCodeIsReportedAsExpired() {
    OtpGuard guard = guard(OtpPolicy.defaults(SECRET).withCodeTtl(Duration.ofMillis(300)));
    String phone = phone();
    guard.request(phone);
    String code = sender.lastCode();

    assertThat(guard.verify(phone(), "123456")).isEqualTo(new OtpVerifyResult.Expired());
    await().atMost(Duration.ofSeconds(3)).until(() -> raw().exists(keyNames().otpCode(phone)) == 0);
    assertThat(guard.verify(phone, code)).isEqualTo(new OtpVerifyResult.Expired());
  }

  @Test
  void aCodeAndItsVerificationAreBoundToTheirPurpose() {
    OtpGuard guard = guard();
    String phone = phone();
    guard.request(phone, "phone-change");
    String code = sender.lastCode();

    assertThat(guard.verify(phone, code)).as("not for login").isEqualTo(new OtpVerifyResult.Expired());
    String ticket = ticket(guard.verify(phone, code, "phone-change"));
    assertThat(guard.isVerified(phone, ticket, "phone-change")).isTrue();
    assertThat(guard.isVerified(phone, ticket)).isFalse();
    assertThat(guard.consumeVerification(phone, ticket)).isFalse();
    assertThat(raw().exists(keyNames().otpVerified(phone, "phone-change"))).isEqualTo(1);
  }

  @Test
  void theDefaultPurposeUsesExactlyTheSeedsKeys() {
    OtpGuard guard = guard();
    String phone = phone();
    guard.request(phone);
    String tagged = layout == KeyLayout.CLUSTER ? "{" + phone + "}" : phone;
    String prefix = keyNames().prefix();

    assertThat(raw().exists(prefix + "otp:cooldown:" + tagged, prefix + "otp:requests:" + tagged,
        prefix + "otp:code:" + tagged)).isEqualTo(3);
    guard.verify(phone, sender.lastCode());
    assertThat(raw().get(prefix + "otp:verified:" + tagged)).startsWith("t1:login:");
  }

  @Test
  void aFailedSendGivesTheRequestBackSoTheRetryIsNotChargedTwice() {
    OtpGuard guard = guard();
    String phone = phone();
    sender.failFromNowOn(true);

    OtpRequestResult failed = guard.request(phone);

    assertThat(failed).isInstanceOfSatisfying(OtpRequestResult.SendFailed.class, result ->
        assertThat(result.cause()).hasMessage("SMS provider unavailable"));
    assertThat(raw().exists(keyNames().otpCode(phone), keyNames().otpCooldown(phone))).isZero();
    assertThat(raw().get(keyNames().otpRequests(phone))).isEqualTo("0");

    sender.failFromNowOn(false);
    assertThat(guard.request(phone)).isInstanceOf(OtpRequestResult.Issued.class);
    assertThat(raw().get(keyNames().otpRequests(phone))).isEqualTo("1");
  }

  @Test
  void aSenderThatThrowsIsReportedLikeOneThatFails() {
    RedisService redis = TestRedis.start(endpoint, layout);
    services.add(redis);
    OtpGuard guard = OtpGuard.create(redis, OtpPolicy.defaults(SECRET), message -> {
      throw new IllegalStateException("no route to provider");
    });
    String phone = phone();

    assertThat(guard.request(phone)).isInstanceOfSatisfying(OtpRequestResult.SendFailed.class, result ->
        assertThat(result.cause()).hasMessage("no route to provider"));
    assertThat(TestRedis.sync(redis).exists(redis.keyNames().otpCooldown(phone))).isZero();
  }

  @Test
  void twoHundredConcurrentRequestsIssueExactlyOneCode() throws Exception {
    OtpGuard guard = guard();
    String phone = phone();

    List<OtpRequestResult> results = concurrently(200, () -> guard.request(phone));

    assertThat(results).filteredOn(OtpRequestResult.Issued.class::isInstance).hasSize(1);
    assertThat(results).filteredOn(OtpRequestResult.CooldownActive.class::isInstance).hasSize(199);
    assertThat(sender.sent()).hasSize(1);
    assertThat(raw().get(keyNames().otpRequests(phone))).isEqualTo("1");
  }

  @Test
  void twoHundredConcurrentWrongCodesEvaluateAtMostTheAttemptLimit() throws Exception {
    OtpGuard guard = guard();
    String phone = phone();
    guard.request(phone);
    String right = sender.lastCode();

    List<OtpVerifyResult> results = concurrently(200, () -> guard.verify(phone, "wrong"));

    assertThat(results).filteredOn(OtpVerifyResult.WrongCode.class::isInstance).hasSize(4);
    assertThat(results).filteredOn(OtpVerifyResult.TooManyAttempts.class::isInstance).hasSize(196);
    assertThat(raw().get(keyNames().otpAttempts(phone))).isEqualTo("5");
    assertThat(guard.verify(phone, right)).isEqualTo(new OtpVerifyResult.TooManyAttempts());
  }

  @Test
  void twoConcurrentConsumersSpendOneVerificationOnce() throws Exception {
    OtpGuard guard = guard();
    for (int round = 0; round < 20; round++) {
      String phone = phone();
      guard.request(phone);
      String ticket = ticket(guard.verify(phone, sender.lastCode()));

      List<Boolean> consumed = concurrently(2, () -> guard.consumeVerification(phone, ticket));

      assertThat(consumed).containsExactlyInAnyOrder(true, false);
    }
  }

  @Test
  void noCodeIsStoredInClearText() {
    OtpGuard guard = guard(OtpPolicy.defaults(SECRET).withCooldown(Duration.ofMillis(1)));
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String phone = phone();
      guard.request(phone);
      codes.add(sender.lastCode());
      guard.verify(phone, i % 2 == 0 ? sender.lastCode() : "000000");
    }

    List<String> values = new ArrayList<>();
    ScanIterator<String> scan =
        ScanIterator.scan(raw(), ScanArgs.Builder.matches(keyNames().prefix() + "*").limit(500));
    scan.forEachRemaining(key -> {
      String value = raw().get(key);
      // A 1 ms cooldown may expire between SCAN and GET.
      if (value != null) {
        values.add(value);
      }
    });

    assertThat(values).isNotEmpty();
    assertThat(values).allSatisfy(value -> assertThat(codes).noneMatch(value::contains));
  }

  @Test
  void theStoredHmacIsWhatIsComparedNotTheCode() {
    OtpGuard guard = guard();
    String phone = phone();
    guard.request(phone);
    String code = sender.lastCode();
    OtpSecret sameKey = OtpSecret.fromBase64(SECRET_BASE64);
    OtpSecret otherKey = OtpSecret.fromBase64("B24HvEHetxQXOv30uL2vmmwNvT4DojPDLZjC03atnsk=");

    assertThat(raw().get(keyNames().otpCode(phone)))
        .isEqualTo(sameKey.sign(OtpGuard.macInput(phone, "login", code)))
        .isNotEqualTo(otherKey.sign(OtpGuard.macInput(phone, "login", code)));

    raw().set(keyNames().otpCode(phone), code);
    assertThat(guard.verify(phone, code)).as("a code stored in clear never matches")
        .isEqualTo(new OtpVerifyResult.WrongCode(4));
  }

  @Test
  void codeLengthFollowsThePolicy() {
    for (int length : new int[] {4, 10}) {
      OtpGuard guard = guard(OtpPolicy.defaults(SECRET).withCodeLength(length));
      String phone = phone();
      guard.request(phone);

      assertThat(sender.lastCode()).hasSize(length).containsOnlyDigits();
      assertThat(guard.verify(phone, sender.lastCode())).isInstanceOf(OtpVerifyResult.Verified.class);
    }
  }

  @Test
  void malformedPhonesPurposesAndCodesAreRefusedBeforeAnyKeyIsBuilt() {
    OtpGuard guard = guard();
    for (String phone : new String[] {"15551234567", "+0155512345", "+1555", "+1555123456789012", "+1 555 123",
        "+1555123456*", "+1555{123}45"}) {
      assertThatIllegalArgumentException().as(phone).isThrownBy(() -> guard.request(phone))
          .withMessage("phone must be an E.164 number: + and 8-15 digits, the first not 0");
    }
    assertThatNullPointerException().isThrownBy(() -> guard.request(null)).withMessage("phone must not be null");
    assertThatIllegalArgumentException().isThrownBy(() -> guard.request(phone(), "Login!"))
        .withMessageStartingWith("purpose must be 1-32 characters of a-z 0-9 -");
    assertThatIllegalArgumentException().isThrownBy(() -> guard.verify(phone(), "1".repeat(33)))
        .withMessage("code must be a string of at most 32 characters");
    assertThat(sender.sent()).isEmpty();
  }

  @Test
  void eachCallIsOneRoundTrip(EmbeddedRedis server) {
    RedisSettings settings = RedisSettings.builder().url(server.uri()).keyLayout(layout).build();
    try (CommandStats stats = CommandStats.start(settings)) {
      OtpGuard guard = OtpGuard.create(stats.measured(), OtpPolicy.defaults(SECRET), sender);
      String phone = phone();
      // The first call of each script on a fresh server also loads it (EVALSHA, NOSCRIPT, EVAL).
      guard.request(phone());
      guard.verify(phone(), "0");

      CommandStats.Delta request = stats.during(() -> guard.request(phone));
      CommandStats.Delta verify = stats.during(() -> guard.verify(phone, sender.lastCode()));

      assertThat(request.calls("evalsha")).isEqualTo(1);
      assertThat(request.roundTrips()).isEqualTo(1);
      assertThat(verify.calls("evalsha")).isEqualTo(1);
      assertThat(verify.roundTrips()).isEqualTo(1);
      System.out.printf("OTP %s layout: request %d round trip, %d commands %s; verify %d round trip, %d commands %s%n",
          layout, request.roundTrips(), request.commands(), request.calls(), verify.roundTrips(), verify.commands(),
          verify.calls());
    }
  }

  private static <T> List<T> concurrently(int calls, Callable<T> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        futures.add(pool.submit(call));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(10, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
