package com.cloutsy.redis;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The ACL rules docs/OPERATIONS.md documents, one user per capability: the commands each capability sends (its
 * scripts' {@code redis.call}s included, which Redis checks against the caller's user), the key families of
 * {@link com.cloutsy.redis.keys.Keys} it touches and the channels it uses, nothing else. {@link AclLeastPrivilegeTest}
 * runs every public flow as these users and checks that the documentation prints the same rules.
 */
public enum LeastPrivilege {

  /**
   * SessionStore: the session scripts (SCARD, SRANDMEMBER and SSCAN for the bounded steps over a large index) and get
   * (GET + PTTL); WAIT only with write durability (not granted here).
   */
  SESSIONS("get set del exists sadd srem smembers scard srandmember sscan pttl pexpire persist time evalsha eval", "",
      "session:*", "sessions:*"),
  /** OtpGuard: the OTP scripts and isVerified's GET. */
  OTP("get set del incr decr pexpire pttl evalsha eval", "", "otp:*"),
  /** LoginGuard: the login scripts and recordSuccess's DEL. */
  LOGIN("get incr decr pexpire pttl del evalsha eval", "", "login:*"),
  /** RateLimiter (all three algorithms) and Cooldown on the seed's limiter keys; reset is a DEL. */
  RATE_LIMIT("get set incrby pexpire pttl time del evalsha eval", "", "api:limit:*", "otp:cooldown:*"),
  /**
   * RedisCache: get, put, invalidate, invalidatePrefix (SCAN + UNLINK), the hash cache and its script, the near cache
   * (CLIENT TRACKING on its own RESP3 connection) and TIME for the early refresh's server clock.
   */
  CACHE("get set unlink scan hget hgetall hdel hset exists pexpire time client|tracking evalsha eval", "", "cache:*",
      "user:*", "config:*"),
  /**
   * EventBus: PUBLISH and SUBSCRIBE on the prefix's channels, PSUBSCRIBE to the pattern {@code news*}; no keys. Redis
   * compares a PSUBSCRIBE pattern with the rules' channel patterns as text, so each pattern a service subscribes to
   * is listed as it is.
   */
  PUBSUB("publish subscribe unsubscribe psubscribe punsubscribe", "* news*"),
  /** HealthCheck: PING, INFO and the probe key's SET and GET. */
  HEALTH("info set get", "", "cloutsy:health:*"),
  /** Diagnostics: read-only commands on the prefix's keys. */
  DIAGNOSTICS("scan pttl type memory|usage dbsize info slowlog|get", "", "*");

  /** What every connection needs: Lettuce's handshake (HELLO, which carries AUTH) and PING. */
  static final String CONNECTION = "ping hello";

  /**
   * What every user needs besides on Redis Cluster, on every node: the cluster client's topology refresh (CLUSTER
   * NODES, and INFO for each node's client count), CLUSTER MYID and CLIENT SETNAME on the node connections it opens,
   * and ASKING to follow an ASK redirect while a slot migrates (SlotMigrationIT runs as the sessions user).
   */
  public static final String CLUSTER = "cluster|nodes cluster|myid info client|setname asking";

  private final List<String> commands;
  private final List<String> channels;
  private final List<String> keyPatterns;

  LeastPrivilege(String commands, String channels, String... keyPatterns) {
    this.commands = List.of((CONNECTION + " " + commands).split(" "));
    this.channels = channels.isEmpty() ? List.of() : List.of(channels.split(" "));
    this.keyPatterns = List.of(keyPatterns);
  }

  /** The user name, e.g. {@code rate-limit}. */
  public String user() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** The rules without the password, for keys and channels under {@code prefix} (REDIS_KEY_PREFIX). */
  public String rules(String prefix) {
    return rules(prefix, commands, keyPatterns, channels);
  }

  /** The rules on Redis Cluster: {@link #rules(String)}, {@link #CLUSTER} and health's CLUSTER INFO. */
  public String rulesOnCluster(String prefix) {
    Set<String> both = new LinkedHashSet<>(commands);
    both.addAll(List.of(CLUSTER.split(" ")));
    if (this == HEALTH) {
      // The health report's cluster part: CLUSTER INFO of every node.
      both.add("cluster|info");
    }
    return rules(prefix, List.copyOf(both), keyPatterns, channels);
  }

  /** The same rules without one command: for the negative control. */
  String rulesWithout(String prefix, String command) {
    List<String> fewer = commands.stream().filter(granted -> !granted.equals(command)).toList();
    if (fewer.size() == commands.size()) {
      throw new IllegalArgumentException(this + " does not grant " + command);
    }
    return rules(prefix, fewer, keyPatterns, channels);
  }

  /** One user for a service that uses every capability: the union of all rules. */
  static String union(String prefix) {
    Set<String> commands = new LinkedHashSet<>();
    Set<String> keys = new LinkedHashSet<>();
    Set<String> channels = new LinkedHashSet<>();
    for (LeastPrivilege capability : values()) {
      commands.addAll(capability.commands);
      keys.addAll(capability.keyPatterns);
      channels.addAll(capability.channels);
    }
    // A wider pattern covers the narrower ones: diagnostics' "*" makes the others redundant.
    List<String> keyList = keys.contains("*") ? List.of("*") : List.copyOf(keys);
    return rules(prefix, List.copyOf(commands), keyList, List.copyOf(channels));
  }

  private static String rules(String prefix, List<String> commands, List<String> keys, List<String> channels) {
    return "resetkeys resetchannels -@all "
        + commands.stream().map(command -> "+" + command).collect(Collectors.joining(" "))
        + keys.stream().map(pattern -> " ~" + prefix + pattern).collect(Collectors.joining())
        + channels.stream().map(pattern -> " &" + prefix + pattern).collect(Collectors.joining());
  }
}
