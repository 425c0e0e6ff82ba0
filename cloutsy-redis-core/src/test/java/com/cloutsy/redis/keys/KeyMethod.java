package com.cloutsy.redis.keys;

import java.util.List;
import java.util.function.BiFunction;

/**
 * Every key method of {@link Keys}, with the seed's pattern and the names of its arguments, so a test can cover all of
 * them and cannot forget one added later.
 */
enum KeyMethod {
  SESSION("session:{userId}:{jti}", Owner.USER, (keys, ids) -> keys.session(ids[0], ids[1]), "userId", "jti"),
  SESSION_PREFIX("session:{userId}:", Owner.USER, (keys, ids) -> keys.sessionPrefix(ids[0]), "userId"),
  SESSION_INDEX("sessions:{userId}", Owner.USER, (keys, ids) -> keys.sessionIndex(ids[0]), "userId"),
  OTP_COOLDOWN("otp:cooldown:{phone}", Owner.PHONE, (keys, ids) -> keys.otpCooldown(ids[0]), "phone"),
  OTP_REQUESTS("otp:requests:{phone}", Owner.PHONE, (keys, ids) -> keys.otpRequests(ids[0]), "phone"),
  OTP_ATTEMPTS("otp:attempts:{phone}", Owner.PHONE, (keys, ids) -> keys.otpAttempts(ids[0]), "phone"),
  OTP_VERIFIED("otp:verified:{phone}", Owner.PHONE, (keys, ids) -> keys.otpVerified(ids[0]), "phone"),
  OTP_CODE("otp:code:{phone}", Owner.PHONE, (keys, ids) -> keys.otpCode(ids[0]), "phone"),
  OTP_CODE_FOR("otp:code:{phone}:{purpose}", Owner.PHONE, (keys, ids) -> keys.otpCode(ids[0], ids[1]),
      "phone", "purpose"),
  OTP_ATTEMPTS_FOR("otp:attempts:{phone}:{purpose}", Owner.PHONE, (keys, ids) -> keys.otpAttempts(ids[0], ids[1]),
      "phone", "purpose"),
  OTP_VERIFIED_FOR("otp:verified:{phone}:{purpose}", Owner.PHONE, (keys, ids) -> keys.otpVerified(ids[0], ids[1]),
      "phone", "purpose"),
  LOGIN_ATTEMPTS("login:attempts:{identifier}", Owner.LOGIN, (keys, ids) -> keys.loginAttempts(ids[0]),
      "identifier"),
  LOGIN_PAIR_ATTEMPTS("login:attempts:{identifier}:{address}", Owner.LOGIN,
      (keys, ids) -> keys.loginPairAttempts(ids[0], ids[1]), "identifier", "address"),
  LOGIN_ADDRESS_ATTEMPTS("login:address:{address}", Owner.ADDRESS,
      (keys, ids) -> keys.loginAddressAttempts(ids[0]), "address"),
  LOGIN_LOCKOUTS("login:lockouts:{identifier}", Owner.LOGIN, (keys, ids) -> keys.loginLockouts(ids[0]),
      "identifier"),
  LOGIN_PAIR_LOCKOUTS("login:lockouts:{identifier}:{address}", Owner.LOGIN,
      (keys, ids) -> keys.loginPairLockouts(ids[0], ids[1]), "identifier", "address"),
  LOGIN_ADDRESS_LOCKOUTS("login:address-lockouts:{address}", Owner.ADDRESS,
      (keys, ids) -> keys.loginAddressLockouts(ids[0]), "address"),
  LOGIN_DEVICE_ATTEMPTS("login:device:{identifier}:{device}", Owner.LOGIN,
      (keys, ids) -> keys.loginDeviceAttempts(ids[0], ids[1]), "identifier", "device"),
  LOGIN_DEVICE_LOCKOUTS("login:device-lockouts:{identifier}:{device}", Owner.LOGIN,
      (keys, ids) -> keys.loginDeviceLockouts(ids[0], ids[1]), "identifier", "device"),
  API_LIMIT("api:limit:{userId}:{endpoint}", Owner.USER, (keys, ids) -> keys.apiLimit(ids[0], ids[1]),
      "userId", "endpoint"),
  CACHE("cache:{resource}:{id}", Owner.NONE, (keys, ids) -> keys.cache(ids[0], ids[1]), "resource", "id"),
  CACHE_PREFIX("cache:{resource}:", Owner.NONE, (keys, ids) -> keys.cachePrefix(ids[0]), "resource"),
  USER_PREFS("user:{userId}:prefs", Owner.USER, (keys, ids) -> keys.userPrefs(ids[0]), "userId"),
  CONFIG("config:{section}", Owner.NONE, (keys, ids) -> keys.config(ids[0]), "section"),
  HEALTH("cloutsy:health:{instance}", Owner.NONE, (keys, ids) -> keys.health(ids[0]), "instance");

  /** Whose keys share a hash slot in the cluster layout; the owner is always the first argument. */
  enum Owner { USER, PHONE, LOGIN, ADDRESS, NONE }

  private final String seedPattern;
  private final Owner owner;
  private final BiFunction<Keys, String[], String> method;
  private final List<String> argumentNames;

  KeyMethod(String seedPattern, Owner owner, BiFunction<Keys, String[], String> method, String... argumentNames) {
    this.seedPattern = seedPattern;
    this.owner = owner;
    this.method = method;
    this.argumentNames = List.of(argumentNames);
  }

  String seedPattern() {
    return seedPattern;
  }

  Owner owner() {
    return owner;
  }

  List<String> argumentNames() {
    return argumentNames;
  }

  int arity() {
    return argumentNames.size();
  }

  String apply(Keys keys, String... ids) {
    return method.apply(keys, ids);
  }

  /** The key the pattern gives for already-encoded ids, built by placeholder substitution, independently of Keys. */
  String expected(KeyLayout layout, String prefix, String... encodedIds) {
    String key = seedPattern;
    for (int i = 0; i < encodedIds.length; i++) {
      boolean tagged = layout == KeyLayout.CLUSTER && owner != Owner.NONE && i == 0;
      key = key.replace("{" + argumentNames.get(i) + "}", tagged ? "{" + encodedIds[i] + "}" : encodedIds[i]);
    }
    return prefix + key;
  }
}
