package com.cloutsy.redis.demo.auth;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.otp.OtpGuard;
import com.cloutsy.redis.session.UserType;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.springframework.stereotype.Component;

/*
 * Design notes. This stands in for the service's user database, which cloutsy-redis does not replace: a few accounts
 * with passwords, and phone users whose id is derived from the number (Tokens.userIdForPhone), so a phone keeps its id
 * across restarts without any storage. A phone user's type (influencer or brand) is chosen at its first login and kept
 * in the seed's user:{userId}:prefs hash, so no later request can change it. Passwords are kept only as PBKDF2 hashes
 * made at start-up; an unknown identifier is checked against a dummy hash, so it costs as much time as a known one
 * (ASVS 6.3.8).
 */

/**
 * The demo's users: the password accounts listed in {@link #ACCOUNTS} and every phone that logged in with a code.
 * Thread-safe.
 */
@Component
public final class Users {

  /** Where a user came from: a password account or a verified phone. */
  public enum Kind { PASSWORD, PHONE }

  /**
   * A user.
   *
   * @param id the user id that sessions and rate limits are kept under
   * @param identifier the e-mail address of a password account, or the phone number of a phone user
   * @param type the account type recorded with its sessions; for a phone user, the type chosen at its first login
   * @param kind where the user came from
   */
  public record User(String id, String identifier, UserType type, Kind kind) {}

  /** A demo account: identifier, password, type and id. Documented in the README; never use such accounts for real. */
  record Account(String id, String identifier, String password, UserType type) {
    @Override
    public String toString() {
      return "Account[" + id + ", " + identifier + ", password=****, " + type + "]";
    }
  }

  /** The password accounts. */
  static final List<Account> ACCOUNTS = List.of(
      new Account("1001", "alice@example.com", "wonderland-2025", UserType.INFLUENCER),
      new Account("1002", "brand@example.com", "acme-brand-2025", UserType.BRAND));

  private static final int ITERATIONS = 100_000;
  private static final String USER_TYPE = "userType";
  private static final int HASH_BITS = 256;

  private final Tokens tokens;
  private final RedisService redis;
  private final Map<String, Hashed> byIdentifier;
  private final Map<String, Account> byId;
  private final Hashed dummy;

  @SuppressWarnings("ArrayRecordComponent") // looked up by identifier and read, never compared
  private record Hashed(Account account, byte[] salt, byte[] hash) {}

  /** The users, with phone user ids derived under {@code tokens}' key and phone users' types kept in {@code redis}. */
  public Users(Tokens tokens, RedisService redis) {
    this.tokens = tokens;
    this.redis = redis;
    this.byIdentifier = ACCOUNTS.stream().collect(Collectors.toUnmodifiableMap(Account::identifier, Users::hash));
    this.byId = ACCOUNTS.stream().collect(Collectors.toUnmodifiableMap(Account::id, Function.identity()));
    this.dummy = hash(new Account("0", "nobody", "not a password of anyone", UserType.INFLUENCER));
  }


  /** An identifier in the one form the login guard counts it under: trimmed and lower-cased. */
  public static String canonical(String identifier) {
    return identifier.strip().toLowerCase(Locale.ROOT);
  }

  /** The type the phone's user chose at its first login; empty before it. One round trip. */
  public Optional<UserType> phoneUserType(String phone) {
    return Optional.ofNullable(redis.hget(redis.keyNames().userPrefs(tokens.userIdForPhone(phone)), USER_TYPE))
        .map(UserType::fromStored);
  }

  /**
   * The phone user of {@code phone}: of {@code firstType} when this is its first login, otherwise of the type its
   * first login chose, whatever {@code firstType} says. One or two round trips.
   */
  public User phoneUser(String phone, UserType firstType) {
    String id = tokens.userIdForPhone(phone);
    String prefs = redis.keyNames().userPrefs(id);
    // HSETNX decides the first login's type once, also between two instances logging the phone in at once.
    boolean first = redis.runtime().await(
        redis.runtime().send(commands -> commands.hsetnx(prefs, USER_TYPE, firstType.stored())));
    UserType type = first ? firstType : phoneUserType(phone).orElse(firstType);
    return new User(id, phone, type, Kind.PHONE);
  }

  /**
   * The password account whose identifier and password these are; empty when either is wrong. Takes about the
   * same time for an unknown identifier as for a wrong password.
   */
  public Optional<User> authenticate(String identifier, String password) {
    Hashed stored = byIdentifier.get(canonical(identifier));
    Hashed against = stored != null ? stored : dummy;
    boolean matches = MessageDigest.isEqual(against.hash(), pbkdf2(password, against.salt()));
    if (stored == null || !matches) {
      return Optional.empty();
    }
    Account account = stored.account();
    return Optional.of(new User(account.id(), account.identifier(), account.type(), Kind.PASSWORD));
  }

  /**
   * The user id that {@code query} names: a phone number, an account's e-mail address, or a user id as it is;
   * what the ops page's user lookup takes.
   */
  public String resolveId(String query) {
    String text = query.strip();
    if (OtpGuard.isPhone(text)) {
      return tokens.userIdForPhone(text);
    }
    Hashed account = byIdentifier.get(canonical(text));
    return account != null ? account.account().id() : text;
  }

  /** The password account with id {@code userId}, for the ops page to name whom a lookup found. */
  public Optional<User> account(String userId) {
    return Optional.ofNullable(byId.get(userId))
        .map(account -> new User(account.id(), account.identifier(), account.type(), Kind.PASSWORD));
  }

  private static Hashed hash(Account account) {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    return new Hashed(account, salt, pbkdf2(account.password(), salt));
  }

  private static byte[] pbkdf2(String password, byte[] salt) {
    KeySpec spec = new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException unavailable) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JVM", unavailable);
    }
  }

  @Override
  public String toString() {
    return "Users[" + ACCOUNTS.size() + " password accounts, phone users by HMAC id]";
  }
}
