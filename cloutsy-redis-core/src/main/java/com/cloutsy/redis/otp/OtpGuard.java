package com.cloutsy.redis.otp;

import com.cloutsy.redis.FeatureCounters;
import com.cloutsy.redis.RedisRuntime;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.ServerError;
import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.script.LuaScript;
import com.cloutsy.redis.script.Reply;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-time codes by SMS, the seed's OTP request limiting and verification made atomic: {@link #request} checks the
 * cooldown and the request quota, stores a new code and starts the cooldown in one script, then hands the code to
 * the application's {@link OtpSender}; {@link #verify} counts the attempt and compares in one script and hands out a
 * {@link VerificationTicket}; the verification stays pending for a window, and {@link #consumeVerification} spends
 * it once for the holder of that ticket only. Whoever knows only the phone, however often it asks, spends nothing:
 * an out-of-band verification is bound to the client that completed it (OWASP ASVS 5.0 V6).
 *
 * <p>Keys are the seed's ({@code otp:cooldown|requests|attempts|verified:{phone}} plus {@code otp:code:{phone}}).
 * Only an HMAC-SHA256 of the code, keyed with the {@link OtpSecret} and bound to the phone and purpose, is stored;
 * the code itself never reaches Redis. The verified key holds the purpose and an HMAC of the ticket, never the
 * ticket; the seed's bare {@code "1"} is spent only by {@link #consumeUnboundVerification}, and only when the policy
 * opts in for a migration. Codes, verifications and attempts are bound to a purpose ({@code login} by
 * default, with exactly the seed's keys; another purpose adds {@code :<purpose>} to them), so a verification
 * obtained for one flow cannot be spent on another. The cooldown and request quota belong to the phone, whatever
 * the purpose: they limit the messages one number receives.
 *
 * <p>Fail closed: when Redis cannot be asked, every method throws {@code RedisUnavailableException}; nothing is ever
 * issued or verified by default. Each method is one round trip (plus the send, and a second round trip only to
 * give back a request whose code could not be sent). Codes are sent on an executor of bounded threads and queue, never
 * on a shared pool, so a slow SMS provider cannot starve the rest of the service; {@link #close} stops the one this
 * guard made. Thread-safe.
 */
public final class OtpGuard implements AutoCloseable {

  /** The purpose whose keys are exactly the seed's. */
  public static final String DEFAULT_PURPOSE = "login";

  /** Threads of the executor a guard sends codes on unless it is given one. */
  public static final int SENDER_THREADS = 16;

  /** Codes that may wait for a sender thread; beyond them a request fails at once with {@code SendFailed}. */
  public static final int SENDER_QUEUE = 1_000;

  private static final Logger log = LoggerFactory.getLogger(OtpGuard.class);
  private static final LuaScript REQUEST = LuaScript.load("otp-request.lua");
  private static final LuaScript RELEASE = LuaScript.load("otp-release.lua");
  private static final LuaScript VERIFY = LuaScript.load("otp-verify.lua");
  private static final LuaScript CONSUME = LuaScript.load("otp-consume.lua");
  private static final String UNBOUND = "1";
  private static final String TICKET_FORMAT = "t1";
  private static final int MAX_TICKET_LENGTH = 64;
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{7,14}");
  private static final Pattern PURPOSE = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
  private static final int MAX_SUBMITTED_LENGTH = 32;

  private final RedisRuntime runtime;
  private final Keys keys;
  private final OtpPolicy policy;
  private final OtpSender sender;
  private final Executor senderExecutor;
  private final @Nullable ExecutorService ownExecutor;
  private final SecureRandom random = new SecureRandom();
  private final long codeSpace;
  private final Outcomes outcomes;

  /**
   * A guard that calls {@code sender} on an executor of its own: {@value #SENDER_THREADS} daemon threads named
   * {@code cloutsy-otp-sender-<n>} and a queue of {@value #SENDER_QUEUE}; a request that finds both full is answered
   * {@code SendFailed} at once and given back. {@link #close} stops the executor.
   *
   * @throws IllegalArgumentException if an argument is null
   */
  public static OtpGuard create(RedisService redis, OtpPolicy policy, OtpSender sender) {
    ExecutorService executor = senderExecutor();
    return new OtpGuard(redis, policy, sender, executor, executor);
  }

  /**
   * A guard that calls {@code sender} on {@code senderExecutor}, which the application owns and shuts down. Bound
   * it: an executor that queues without limit lets a slow SMS provider hold every request's memory.
   *
   * @throws IllegalArgumentException if an argument is null
   */
  public static OtpGuard create(RedisService redis, OtpPolicy policy, OtpSender sender, Executor senderExecutor) {
    return new OtpGuard(redis, policy, sender, senderExecutor, null);
  }

  private OtpGuard(RedisService redis, OtpPolicy policy, OtpSender sender, Executor senderExecutor,
      @Nullable ExecutorService ownExecutor) {
    this.runtime = argument(redis, "redis").runtime();
    this.policy = argument(policy, "policy");
    this.sender = argument(sender, "sender");
    this.senderExecutor = argument(senderExecutor, "senderExecutor");
    this.ownExecutor = ownExecutor;
    this.keys = runtime.keyNames();
    this.codeSpace = (long) Math.pow(10, policy.codeLength());
    this.outcomes = new Outcomes(runtime.counters());
    if (policy.acceptUnboundVerification()) {
      log.warn("OTP: unbound verifications are accepted (accept-unbound-verification): any caller that knows a phone"
          + " can spend a bare \"1\" verified flag written by a service on the seed's code. Turn it off once no such"
          + " service verifies phones against this Redis.");
    }
  }

  private static ExecutorService senderExecutor() {
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory factory = task -> {
      Thread thread = new Thread(task, "cloutsy-otp-sender-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
    ThreadPoolExecutor executor = new ThreadPoolExecutor(SENDER_THREADS, SENDER_THREADS, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(SENDER_QUEUE), factory, new ThreadPoolExecutor.AbortPolicy());
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /** The policy this guard enforces. */
  public OtpPolicy policy() {
    return policy;
  }

  /** {@link #request(String, String)} for the default purpose. */
  public OtpRequestResult request(String phone) {
    return request(phone, DEFAULT_PURPOSE);
  }

  /**
   * Issues a code for {@code purpose} unless the phone's cooldown or request quota forbids it, and sends it. Waits
   * for Redis within the command timeout and for the sender as long as it takes.
   *
   * @param phone an E.164 number: {@code +} and 8-15 digits
   * @param purpose what the code is for: 1-32 of {@code a-z 0-9 -}, starting with a letter or digit
   * @throws IllegalArgumentException if the phone or purpose is malformed; nothing is stored
   */
  public OtpRequestResult request(String phone, String purpose) {
    // The Redis steps are bounded by the command timeout; the sender may take as long as it takes.
    try {
      return requestAsync(phone, purpose).toCompletableFuture().join();
    } catch (CompletionException failed) {
      throw failed.getCause() instanceof RuntimeException cause ? cause : failed;
    }
  }

  /** Asynchronous {@link #request(String, String)}. */
  public CompletionStage<OtpRequestResult> requestAsync(String phone, String purpose) {
    return issueAsync(phone, purpose).thenCompose(issue -> issue.refusal() != null
        ? CompletableFuture.completedFuture(issue.refusal())
        : sendAsync(issue));
  }

  private CompletionStage<Issue> issueAsync(String phone, String purpose) {
    requirePhone(phone);
    requirePurpose(purpose);
    String code = newCode();
    String hmac = policy.secret().sign(macInput(phone, purpose, code));
    String[] scriptKeys = {keys.otpCooldown(phone), keys.otpRequests(phone), codeKey(phone, purpose),
        attemptsKey(phone, purpose)};
    CompletionStage<Reply> reply = runtime.run(REQUEST, scriptKeys, hmac, millis(policy.codeTtl()),
        millis(policy.cooldown()), String.valueOf(policy.requestQuota()), millis(policy.quotaWindow()));
    return reply.thenApply(result -> {
      long status = result.integer(0);
      Duration time = Duration.ofMillis(result.integer(1));
      if (status == 1) {
        outcomes.cooldown.increment();
        return Issue.refused(new OtpRequestResult.CooldownActive(time));
      }
      if (status == 2) {
        outcomes.quota.increment();
        return Issue.refused(new OtpRequestResult.QuotaExceeded(time));
      }
      return new Issue(new OtpMessage(phone, purpose, code, time), hmac, scriptKeys, null);
    });
  }

  /** A code stored by the request script, or the script's refusal. */
  @SuppressWarnings("ArrayRecordComponent") // passed from the request script to the sender, never compared
  private record Issue(
      @Nullable OtpMessage message, String hmac, String[] scriptKeys, @Nullable OtpRequestResult refusal) {

    static Issue refused(OtpRequestResult refusal) {
      return new Issue(null, "", new String[0], refusal);
    }
  }

  /** {@link #verify(String, String, String)} for the default purpose. */
  public OtpVerifyResult verify(String phone, String code) {
    return runtime.await(verifyAsync(phone, code, DEFAULT_PURPOSE));
  }

  /**
   * Checks a submitted code: counts the attempt, compares HMACs in constant time and, when they match, deletes the
   * code and marks the phone verified for the policy's window, for the holder of the {@link VerificationTicket} that
   * {@link OtpVerifyResult.Verified} carries. After the last allowed wrong attempt the code is deleted.
   *
   * @param code what the user typed; any text up to 32 characters (a wrong format is simply a wrong code)
   * @throws IllegalArgumentException if the phone or purpose is malformed, or the code is null or too long
   */
  public OtpVerifyResult verify(String phone, String code, String purpose) {
    return runtime.await(verifyAsync(phone, code, purpose));
  }

  /** Asynchronous {@link #verify(String, String, String)}. */
  public CompletionStage<OtpVerifyResult> verifyAsync(String phone, String code, String purpose) {
    requirePhone(phone);
    requirePurpose(purpose);
    Objects.requireNonNull(code, "code must not be null");
    if (code.length() > MAX_SUBMITTED_LENGTH) {
      throw new IllegalArgumentException("code must be a string of at most " + MAX_SUBMITTED_LENGTH + " characters");
    }
    String hmac = policy.secret().sign(macInput(phone, purpose, code));
    VerificationTicket ticket = VerificationTicket.random();
    String[] scriptKeys = {codeKey(phone, purpose), attemptsKey(phone, purpose), verifiedKey(phone, purpose)};
    CompletionStage<Reply> reply = runtime.run(VERIFY, scriptKeys, hmac, String.valueOf(policy.maxAttempts()),
        millis(policy.verifiedTtl()), verifiedValue(phone, purpose, ticket.value()));
    return reply.thenApply(result -> OtpVerifyResult.fromReply(result, ticket)).thenApply(this::counted);
  }

  /** {@link #isVerified(String, String, String)} for the default purpose. */
  public boolean isVerified(String phone, String ticket) {
    return isVerified(phone, ticket, DEFAULT_PURPOSE);
  }

  /**
   * Whether the phone is verified for the purpose, for the holder of {@code ticket}, and the verification is unspent;
   * spends nothing. One round trip.
   *
   * @throws IllegalArgumentException if the phone or purpose is malformed, or the ticket is over 64 characters
   * @throws NullPointerException if the ticket is null
   */
  public boolean isVerified(String phone, String ticket, String purpose) {
    return runtime.await(isVerifiedAsync(phone, ticket, purpose));
  }

  /** Asynchronous {@link #isVerified(String, String, String)}. */
  public CompletionStage<Boolean> isVerifiedAsync(String phone, String ticket, String purpose) {
    String expected = verifiedValue(phone, purpose, requireTicket(ticket));
    return runtime.read(commands -> commands.get(verifiedKey(phone, purpose)))
        .thenApply(stored -> stored != null && MessageDigest.isEqual(stored.getBytes(StandardCharsets.UTF_8),
            expected.getBytes(StandardCharsets.UTF_8)));
  }

  /** {@link #consumeVerification(String, String, String)} for the default purpose. */
  public boolean consumeVerification(String phone, String ticket) {
    return runtime.await(consumeVerificationAsync(phone, ticket, DEFAULT_PURPOSE));
  }

  /**
   * Spends the phone's verification for the purpose if {@code ticket} is the one its {@link #verify} handed out:
   * true for exactly one caller, however many try at once; false when none is pending or the ticket is another's,
   * in which case nothing is spent. One script: a constant-time compare of the ticket's HMAC, then a DEL.
   *
   * @param ticket the {@link VerificationTicket#value()} the verifying client sent back; any text up to 64
   *     characters (a wrong one is simply not the holder's)
   * @throws IllegalArgumentException if the phone or purpose is malformed, or the ticket is over 64 characters
   * @throws NullPointerException if the ticket is null
   */
  public boolean consumeVerification(String phone, String ticket, String purpose) {
    return runtime.await(consumeVerificationAsync(phone, ticket, purpose));
  }

  /** Asynchronous {@link #consumeVerification(String, String, String)}. */
  public CompletionStage<Boolean> consumeVerificationAsync(String phone, String ticket, String purpose) {
    return consume(phone, purpose, verifiedValue(phone, purpose, requireTicket(ticket)));
  }

  /** {@link #consumeUnboundVerification(String, String)} for the default purpose. */
  public boolean consumeUnboundVerification(String phone) {
    return runtime.await(consumeUnboundVerificationAsync(phone, DEFAULT_PURPOSE));
  }

  /**
   * Spends a verification that a service on the seed's code wrote, the bare {@code "1"} flag, which carries no
   * ticket: any caller that knows the phone can spend it, so this is for a migration only and needs
   * {@link OtpPolicy#acceptUnboundVerification()}. A verification this guard wrote is never spent this way.
   *
   * @throws IllegalStateException if the policy does not accept unbound verifications
   * @throws IllegalArgumentException if the phone or purpose is malformed
   */
  public boolean consumeUnboundVerification(String phone, String purpose) {
    return runtime.await(consumeUnboundVerificationAsync(phone, purpose));
  }

  /** Asynchronous {@link #consumeUnboundVerification(String, String)}. */
  public CompletionStage<Boolean> consumeUnboundVerificationAsync(String phone, String purpose) {
    if (!policy.acceptUnboundVerification()) {
      throw new IllegalStateException("unbound verifications are not accepted: they can be spent by anyone who knows"
          + " the phone. Only while a service on the seed's code verifies phones, enable"
          + " OtpPolicy.withUnboundVerificationAccepted(true) (cloutsy.redis.otp.accept-unbound-verification)");
    }
    requirePhone(phone);
    requirePurpose(purpose);
    return consume(phone, purpose, UNBOUND);
  }

  private CompletionStage<Boolean> consume(String phone, String purpose, String expected) {
    String[] scriptKeys = {verifiedKey(phone, purpose)};
    return runtime.run(CONSUME, scriptKeys, expected).thenApply(spent -> {
      boolean consumed = spent.integer(0) == 1;
      (consumed ? outcomes.consumed : outcomes.consumeRefused).increment();
      return consumed;
    });
  }

  /**
   * The verified key's value for a ticket: the format, the purpose, and an HMAC that binds the ticket to the phone
   * and purpose, under a label no code's HMAC input can start with.
   */
  private String verifiedValue(String phone, String purpose, String ticket) {
    requirePhone(phone);
    requirePurpose(purpose);
    return TICKET_FORMAT + ":" + purpose + ":"
        + policy.secret().sign("ticket\n" + phone + '\n' + purpose + '\n' + ticket);
  }

  private static String requireTicket(String ticket) {
    Objects.requireNonNull(ticket, "ticket must not be null");
    if (ticket.length() > MAX_TICKET_LENGTH) {
      throw new IllegalArgumentException("ticket must be at most " + MAX_TICKET_LENGTH + " characters, had "
          + ticket.length());
    }
    return ticket;
  }

  /** Stops the sender executor this guard made, if it made one; codes already queued are still sent. */
  @Override
  public void close() {
    if (ownExecutor != null) {
      ownExecutor.shutdown();
    }
  }

  private CompletionStage<OtpRequestResult> sendAsync(Issue issue) {
    OtpMessage message = Objects.requireNonNull(issue.message());
    CompletableFuture<Void> sent;
    try {
      sent = CompletableFuture.supplyAsync(() -> sender.send(message), senderExecutor).thenCompose(stage -> stage);
    } catch (RejectedExecutionException full) {
      // Every sender thread is busy and the queue is full: the request is given back like any failed send.
      sent = CompletableFuture.failedFuture(full);
    }
    return sent.handle((ok, failure) -> failure).thenCompose(failure -> {
      if (failure == null) {
        outcomes.issued.increment();
        return CompletableFuture.completedFuture(new OtpRequestResult.Issued(message.expiresIn(), policy.cooldown()));
      }
      Throwable cause = ServerError.unwrap(failure);
      String[] releaseKeys = Arrays.copyOf(issue.scriptKeys(), 3);
      return runtime.run(RELEASE, releaseKeys, issue.hmac())
          .thenApply(released -> {
            outcomes.sendFailed.increment();
            return new OtpRequestResult.SendFailed(cause);
          });
    });
  }

  private OtpVerifyResult counted(OtpVerifyResult result) {
    (result instanceof OtpVerifyResult.Verified ? outcomes.verified
        : result instanceof OtpVerifyResult.WrongCode ? outcomes.wrongCode
        : result instanceof OtpVerifyResult.TooManyAttempts ? outcomes.tooManyAttempts
        : outcomes.expired).increment();
    return result;
  }

  private String newCode() {
    String digits = Long.toString(random.nextLong(codeSpace));
    return "0".repeat(policy.codeLength() - digits.length()) + digits;
  }

  // The separators keep ("+1555", "1234") and ("+15551", "234") apart; the purpose binds the code to its flow.
  static String macInput(String phone, String purpose, String code) {
    return phone + '\n' + purpose + '\n' + code;
  }

  private String codeKey(String phone, String purpose) {
    return DEFAULT_PURPOSE.equals(purpose) ? keys.otpCode(phone) : keys.otpCode(phone, purpose);
  }

  private String attemptsKey(String phone, String purpose) {
    return DEFAULT_PURPOSE.equals(purpose) ? keys.otpAttempts(phone) : keys.otpAttempts(phone, purpose);
  }

  private String verifiedKey(String phone, String purpose) {
    return DEFAULT_PURPOSE.equals(purpose) ? keys.otpVerified(phone) : keys.otpVerified(phone, purpose);
  }

  /**
   * Whether {@code phone} is a number this guard takes: E.164, {@code +} and 8-15 digits, the first not 0. Lets a web
   * layer answer a bad number itself before calling the guard.
   */
  public static boolean isPhone(@Nullable String phone) {
    return phone != null && E164.matcher(phone).matches();
  }

  private static void requirePhone(String phone) {
    Objects.requireNonNull(phone, "phone must not be null");
    if (!isPhone(phone)) {
      throw new IllegalArgumentException("phone must be an E.164 number: + and 8-15 digits, the first not 0");
    }
  }

  private static void requirePurpose(String purpose) {
    Objects.requireNonNull(purpose, "purpose must not be null");
    if (!PURPOSE.matcher(purpose).matches()) {
      throw new IllegalArgumentException("purpose must be 1-32 characters of a-z 0-9 -, starting with a letter or"
          + " digit, was \"" + purpose + "\"");
    }
  }

  private static String millis(Duration duration) {
    return String.valueOf(duration.toMillis());
  }

  private static <T> T argument(T value, String name) {
    return Objects.requireNonNull(value, () -> name + " must not be null");
  }

  /** The counters of every outcome, created once. */
  private static final class Outcomes {
    final FeatureCounters.Counter issued;
    final FeatureCounters.Counter cooldown;
    final FeatureCounters.Counter quota;
    final FeatureCounters.Counter sendFailed;
    final FeatureCounters.Counter verified;
    final FeatureCounters.Counter wrongCode;
    final FeatureCounters.Counter tooManyAttempts;
    final FeatureCounters.Counter expired;
    final FeatureCounters.Counter consumed;
    final FeatureCounters.Counter consumeRefused;

    Outcomes(FeatureCounters counters) {
      String requests = "cloutsy.redis.otp.requests";
      String verifications = "cloutsy.redis.otp.verifications";
      issued = counters.counter(requests, "result", "issued");
      cooldown = counters.counter(requests, "result", "cooldown");
      quota = counters.counter(requests, "result", "quota");
      sendFailed = counters.counter(requests, "result", "send_failed");
      verified = counters.counter(verifications, "result", "verified");
      wrongCode = counters.counter(verifications, "result", "wrong_code");
      tooManyAttempts = counters.counter(verifications, "result", "too_many_attempts");
      expired = counters.counter(verifications, "result", "expired");
      consumed = counters.counter("cloutsy.redis.otp.consumed");
      consumeRefused = counters.counter("cloutsy.redis.otp.consume.refused");
    }
  }
}
