package com.cloutsy.redis.login;

import com.cloutsy.redis.FeatureCounters;
import com.cloutsy.redis.RedisRuntime;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.config.HmacKey;
import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.login.LoginPolicy.Threshold;
import com.cloutsy.redis.script.LuaScript;
import com.cloutsy.redis.script.Reply;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/*
 * Design notes. Three failure counters guard a login: the pair (identifier, address), the identifier and the
 * address. Each is a plain counter string with a TTL; the identifier's is the seed's login:attempts:{identifier}, so a
 * service still on the seed's code reads the same number. A counter that reaches its limit stays there for the
 * lockout time, which is what "locked" means.
 *
 * check() counts the attempt before the password is checked, in the same script that checks the lockouts. Counting
 * only on failure would let every request that arrives while a password check is running pass the check: fifty
 * concurrent guesses against a limit of five would all reach the password. A success takes the attempt back.
 *
 * The address counter lives in the address's hash slot and the other two in the identifier's, so in cluster mode
 * they cannot share a script: the address is checked (and counted) first, and an address that is locked never adds
 * to the identifier's counter, so a stuffing source cannot push a victim's identifier towards its lockout.
 *
 * Known devices (OWASP's "device cookies"). The identifier's own counter is what lets anyone lock an account for
 * everyone: 4 addresses x 5 guesses reach 20, and renewing it forever is cheap. So a successful login may be given a
 * device token, d1.<nonce>.<HMAC(identifier, nonce)>, signed with the service's key and bound to the identifier. A
 * later attempt that presents a valid one counts against that device's own counter only, never the pair, the
 * identifier or the address: the owner's device logs in whatever an attacker does from elsewhere, and a stolen token
 * gives its thief no more than the device threshold's guesses per lockout. Tokens are stateless; the nonce names the
 * device's counter. A token that is forged, malformed or another identifier's counts as no token. A success from a
 * known device resets only its own counter: resetting the identifier's would give an attacker a fresh set of guesses
 * on unknown devices at each of the owner's logins.
 */

/**
 * Brute-force protection for logins, the seed's failed-login tracking made atomic. Call {@link #check} before each
 * attempt (it counts the attempt, so at most the limit of concurrent guesses reach the password check), then
 * {@link #recordSuccess} or {@link #recordFailure}. Failures are counted per identifier and client address (locks
 * first), per identifier (higher threshold, so one address cannot lock a victim out) and per address (credential
 * stuffing), each with its own threshold and lockout, optionally growing with each further lockout.
 *
 * <p>Pass identifiers in one canonical form (for example a lower-cased e-mail address): {@code Alice} and
 * {@code alice} are different counters. Fail closed: when Redis cannot be asked every method throws
 * {@code RedisUnavailableException}; an attempt is never allowed by default. {@link #check} costs two round trips
 * (address, then identifier), the others one or two. With a device key ({@link #create(RedisService, LoginPolicy,
 * HmacKey)}), a login from a device that logged in before counts only against that device (see
 * {@link #issueDeviceToken}), so an attacker cannot lock an owner out of the devices it already uses. Thread-safe.
 */
public final class LoginGuard {

  private static final LuaScript CHECK = LuaScript.load("login-check.lua");
  private static final LuaScript FORGIVE = LuaScript.load("login-forgive.lua");
  private static final String COUNT = "1";
  private static final String REPORT = "0";
  private static final String DEVICE_TOKEN_FORMAT = "d1";
  private static final int DEVICE_NONCE_BYTES = 16;
  private static final int MAX_DEVICE_TOKEN_LENGTH = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final RedisRuntime runtime;
  private final Keys keys;
  private final LoginPolicy policy;
  private final @Nullable HmacKey deviceKey;
  private final FeatureCounters.Counter allowed;
  private final FeatureCounters.Counter refused;
  private final FeatureCounters.Counter failures;
  private final FeatureCounters.Counter successes;
  private final Map<LockScope, FeatureCounters.Counter> lockouts = new EnumMap<>(LockScope.class);

  /**
   * A guard enforcing {@code policy} on {@code redis}.
   *
   * @throws IllegalArgumentException if an argument is null
   */
  public static LoginGuard create(RedisService redis, LoginPolicy policy) {
    return new LoginGuard(redis, policy, null);
  }

  /**
   * A guard enforcing {@code policy} on {@code redis} that knows the devices it gave a token signed with
   * {@code deviceKey} (the same on every instance).
   *
   * @throws IllegalArgumentException if an argument is null
   */
  public static LoginGuard create(RedisService redis, LoginPolicy policy, HmacKey deviceKey) {
    Objects.requireNonNull(deviceKey, "deviceKey must not be null");
    return new LoginGuard(redis, policy, deviceKey);
  }

  private LoginGuard(RedisService redis, LoginPolicy policy, @Nullable HmacKey deviceKey) {
    this.runtime = Objects.requireNonNull(redis, "redis must not be null").runtime();
    Objects.requireNonNull(policy, "policy must not be null");
    this.deviceKey = deviceKey;
    this.keys = runtime.keyNames();
    this.policy = policy;
    FeatureCounters counters = runtime.counters();
    for (LockScope scope : LockScope.values()) {
      lockouts.put(scope,
          counters.counter("cloutsy.redis.login.lockouts", "scope", scope.name().toLowerCase(Locale.ROOT)));
    }
    this.allowed = counters.counter("cloutsy.redis.login.checks", "result", "allowed");
    this.refused = counters.counter("cloutsy.redis.login.checks", "result", "locked");
    this.failures = counters.counter("cloutsy.redis.login.failures");
    this.successes = counters.counter("cloutsy.redis.login.successes");
  }

  /** The policy this guard enforces. */
  public LoginPolicy policy() {
    return policy;
  }

  /** Whether this guard has a device key, so that {@link #issueDeviceToken} works and known devices are honoured. */
  public boolean knowsDevices() {
    return deviceKey != null;
  }

  /**
   * A new device token for {@code identifier}, to hand to the client after a successful login (for example as an
   * HttpOnly cookie) and to pass to the next {@link #check(String, String, String) check}: about 70 URL-safe
   * characters, 128 random bits and an HMAC that binds them to the identifier. No Redis call.
   *
   * @throws IllegalStateException if this guard has no device key
   * @throws IllegalArgumentException if the identifier is empty or over 256 characters
   */
  public String issueDeviceToken(String identifier) {
    HmacKey key = requireDeviceKey();
    keys.loginAttempts(identifier);
    byte[] bytes = new byte[DEVICE_NONCE_BYTES];
    RANDOM.nextBytes(bytes);
    String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return DEVICE_TOKEN_FORMAT + "." + nonce + "." + key.sign(deviceMessage(identifier, nonce));
  }

  /**
   * Checks whether a login attempt may proceed and, when it may, counts it as a failure until
   * {@link #recordSuccess} says otherwise. Atomic per counter: however many attempts arrive at once, no more than
   * a counter's limit are allowed.
   *
   * @param identifier the account's user name, e-mail or phone, in canonical form
   * @param clientAddress the client's IP address as the application sees it (behind a proxy: the forwarded one)
   * @throws IllegalArgumentException if an argument is empty, over 256 characters or not valid Unicode
   */
  public LoginCheck check(String identifier, String clientAddress) {
    return runtime.await(checkAsync(identifier, clientAddress, null));
  }

  /**
   * {@link #check(String, String)} for a client that may present a device token: a valid one of this identifier
   * counts the attempt against that device only (two round trips become one); anything else counts as none.
   *
   * @param deviceToken what {@link #issueDeviceToken} gave the client at an earlier login, or null
   */
  public LoginCheck check(String identifier, String clientAddress, @Nullable String deviceToken) {
    return runtime.await(checkAsync(identifier, clientAddress, deviceToken));
  }

  /** Asynchronous {@link #check(String, String, String)}. */
  public CompletionStage<LoginCheck> checkAsync(String identifier, String clientAddress,
      @Nullable String deviceToken) {
    Group address = addressGroup(clientAddress);
    Group account = accountGroup(identifier, clientAddress);
    Optional<Group> device = deviceGroup(identifier, deviceToken);
    if (device.isPresent()) {
      return run(device.get(), COUNT).thenApply(byDevice -> {
        (byDevice.isAllowed() ? allowed : refused).increment();
        return byDevice;
      });
    }
    return run(address, COUNT).thenCompose(byAddress -> {
      if (!byAddress.isAllowed()) {
        refused.increment();
        return CompletableFuture.completedFuture(byAddress);
      }
      return run(account, COUNT).thenCompose(byAccount -> {
        // An attempt on a locked account stays counted for the address: hammering locked accounts is what a
        // stuffing source does.
        (byAccount.isAllowed() ? allowed : refused).increment();
        return CompletableFuture.completedFuture(byAccount.isAllowed()
            ? LoginCheck.allowed(Math.min(byAddress.attemptsLeft(), byAccount.attemptsLeft()))
            : byAccount);
      });
    });
  }

  /**
   * Records that the attempt {@link #check} allowed failed; it was already counted, so this only reports the state
   * that follows: locked (and for how long) or how many failures are left. One or two round trips.
   */
  public LoginCheck recordFailure(String identifier, String clientAddress) {
    return runtime.await(recordFailureAsync(identifier, clientAddress, null));
  }

  /** {@link #recordFailure(String, String)} for the device token the attempt was checked with, or null. */
  public LoginCheck recordFailure(String identifier, String clientAddress, @Nullable String deviceToken) {
    return runtime.await(recordFailureAsync(identifier, clientAddress, deviceToken));
  }

  /** Asynchronous {@link #recordFailure(String, String, String)}. */
  public CompletionStage<LoginCheck> recordFailureAsync(String identifier, String clientAddress,
      @Nullable String deviceToken) {
    Group address = addressGroup(clientAddress);
    Group account = accountGroup(identifier, clientAddress);
    Optional<Group> device = deviceGroup(identifier, deviceToken);
    failures.increment();
    if (device.isPresent()) {
      return run(device.get(), REPORT);
    }
    return run(account, REPORT).thenCompose(byAccount -> byAccount.isAllowed()
        ? run(address, REPORT).thenApply(byAddress -> byAddress.isAllowed()
            ? LoginCheck.allowed(Math.min(byAddress.attemptsLeft(), byAccount.attemptsLeft()))
            : byAddress)
        : CompletableFuture.completedFuture(byAccount));
  }

  /**
   * Records a successful login: the identifier's counters and lockout levels are reset (the seed's reset on
   * success), and the attempt {@link #check} counted for the address is taken back. Two round trips.
   */
  public void recordSuccess(String identifier, String clientAddress) {
    runtime.await(recordSuccessAsync(identifier, clientAddress, null));
  }

  /**
   * {@link #recordSuccess(String, String)} for the device token the attempt was checked with, or null. With a valid
   * one only that device's counter is reset, in one round trip: the identifier's stay as they are, so the owner's
   * logins never hand an attacker on another device a fresh set of guesses.
   */
  public void recordSuccess(String identifier, String clientAddress, @Nullable String deviceToken) {
    runtime.await(recordSuccessAsync(identifier, clientAddress, deviceToken));
  }

  /** Asynchronous {@link #recordSuccess(String, String, String)}. */
  public CompletionStage<Void> recordSuccessAsync(String identifier, String clientAddress,
      @Nullable String deviceToken) {
    Optional<Group> device = deviceGroup(identifier, deviceToken);
    successes.increment();
    if (device.isPresent()) {
      return runtime.send(commands -> commands.del(device.get().keyNames())).thenApply(deleted -> null);
    }
    String[] reset = {keys.loginPairAttempts(identifier, clientAddress), keys.loginAttempts(identifier),
        keys.loginPairLockouts(identifier, clientAddress), keys.loginLockouts(identifier)};
    CompletionStage<Long> forgiven = forgive(clientAddress);
    return runtime.send(commands -> commands.del(reset)).thenCombine(forgiven, (deleted, left) -> null);
  }

  private CompletionStage<Long> forgive(String clientAddress) {
    String[] counter = {keys.loginAddressAttempts(clientAddress)};
    return runtime.run(FORGIVE, counter).thenApply(left -> left.integer(0));
  }

  /** The counters of the known device {@code deviceToken} names, if it is a valid token of {@code identifier}. */
  private Optional<Group> deviceGroup(String identifier, @Nullable String deviceToken) {
    if (deviceKey == null || deviceToken == null || deviceToken.length() > MAX_DEVICE_TOKEN_LENGTH) {
      return Optional.empty();
    }
    String[] parts = deviceToken.split("\\.", -1);
    if (parts.length != 3 || !parts[0].equals(DEVICE_TOKEN_FORMAT) || parts[1].isEmpty()
        || !deviceKey.verify(deviceMessage(identifier, parts[1]), parts[2])) {
      return Optional.empty();
    }
    return Optional.of(new Group(List.of(LockScope.DEVICE), List.of(policy.device()),
        new String[] {keys.loginDeviceAttempts(identifier, parts[1]), keys.loginDeviceLockouts(identifier, parts[1])}));
  }

  private HmacKey requireDeviceKey() {
    if (deviceKey == null) {
      throw new IllegalStateException("this LoginGuard has no device key: create it with LoginGuard.create(redis,"
          + " policy, deviceKey) (cloutsy.redis.login.device-secret) to issue device tokens");
    }
    return deviceKey;
  }

  // The label keeps device signatures apart from anything else the same key might sign.
  private static String deviceMessage(String identifier, String nonce) {
    return "login-device\n" + identifier + "\n" + nonce;
  }

  private Group addressGroup(String clientAddress) {
    return new Group(List.of(LockScope.ADDRESS), List.of(policy.address()),
        new String[] {keys.loginAddressAttempts(clientAddress), keys.loginAddressLockouts(clientAddress)});
  }

  private Group accountGroup(String identifier, String clientAddress) {
    return new Group(List.of(LockScope.PAIR, LockScope.IDENTIFIER), List.of(policy.pair(), policy.identifier()),
        new String[] {keys.loginPairAttempts(identifier, clientAddress),
            keys.loginPairLockouts(identifier, clientAddress), keys.loginAttempts(identifier),
            keys.loginLockouts(identifier)});
  }

  private CompletionStage<LoginCheck> run(Group group, String mode) {
    List<String> args = new ArrayList<>();
    args.add(mode);
    for (Threshold threshold : group.thresholds()) {
      Duration cap = policy.maxLockout().compareTo(threshold.lockout()) > 0 ? policy.maxLockout() : threshold.lockout();
      args.add(String.valueOf(threshold.maxFailures()));
      args.add(String.valueOf(threshold.window().toMillis()));
      args.add(String.valueOf(threshold.lockout().toMillis()));
      args.add(String.valueOf(cap.toMillis()));
      args.add(String.valueOf(LoginPolicy.LEVEL_MEMORY.toMillis()));
    }
    CompletionStage<Reply> reply = runtime.run(CHECK, group.keyNames(), args.toArray(String[]::new));
    return reply.thenApply(result -> {
      LoginCheck check = LoginCheck.fromReply(result, group.scopes());
      int started = check.isAllowed() ? result.smallInteger(2) : 0;
      if (started > 0) {
        // Every scope has its counter, put in the constructor.
        Objects.requireNonNull(lockouts.get(group.scopes().get(started - 1))).increment();
      }
      return check;
    });
  }

  /** Counters that share a hash slot, checked by one script: their scopes, thresholds and key names in order. */
  @SuppressWarnings("ArrayRecordComponent") // built once per call and passed to the script, never compared
  private record Group(List<LockScope> scopes, List<Threshold> thresholds, String[] keyNames) {}
}
