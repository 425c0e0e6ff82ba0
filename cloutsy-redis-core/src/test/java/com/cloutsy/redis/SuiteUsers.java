package com.cloutsy.redis;

import com.cloutsy.redis.config.HostPort;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.embedded.RedisEndpoint;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The ACL users the capability suites run as on the run's shared embedded Redis (issue 18, point 7), and the admin
 * service that makes them, reads their {@code ACL LOG} and gives the suites raw access to the keys they check
 * ({@link TestRedis#admin}).
 *
 * <p>A capability's user gets exactly its {@link LeastPrivilege} rules, for the key prefixes {@link TestRedis} hands
 * out ({@value #PREFIXES}), on every node. Only an embedded Redis gets users: a server or cluster that
 * {@code REDIS_URL} or {@code REDIS_CLUSTER_NODES} names belongs to whoever runs the tests, so its suites run as the
 * user it names.
 */
final class SuiteUsers implements AutoCloseable {

  /** The key prefixes of {@link TestRedis#freshPrefix()}, as an ACL pattern's start. */
  static final String PREFIXES = "t-*:";
  private static final String USER_PREFIX = "suite-";
  private static final String PASSWORD = "suite-" + UUID.randomUUID();

  private static @Nullable SuiteUsers shared;

  private final RedisService admin;
  private final Set<LeastPrivilege> created = ConcurrentHashMap.newKeySet();
  private final Map<Class<?>, AtomicInteger> logins = new ConcurrentHashMap<>();

  private SuiteUsers(RedisService admin) {
    this.admin = admin;
  }

  /** The users of {@code endpoint}, when it is the run's embedded Redis; empty for one the environment names. */
  static synchronized Optional<SuiteUsers> on(RedisEndpoint endpoint) {
    if (!isEmbedded()) {
      return Optional.empty();
    }
    if (shared == null) {
      RedisSettings.Builder settings = RedisSettings.builder();
      if (endpoint.isCluster()) {
        settings.clusterNodes(endpoint.clusterNodes().stream()
            .map(node -> HostPort.parse(node, "REDIS_CLUSTER_NODES")).toList());
      } else {
        settings.url(endpoint.uri());
      }
      shared = new SuiteUsers(RedisService.start(settings.build()));
    }
    return Optional.of(shared);
  }

  /** The users, if a suite has asked for one in this run. */
  static synchronized Optional<SuiteUsers> ifOpen() {
    return Optional.ofNullable(shared);
  }

  /** Closes the admin service at the end of the run. */
  static synchronized void closeShared() {
    if (shared != null) {
      shared.close();
      shared = null;
    }
  }

  /** Whether {@code username} is one of these users, whose services need {@link #admin()} for raw access. */
  static boolean isSuiteUser(@Nullable String username) {
    return username != null && username.startsWith(USER_PREFIX);
  }

  /** Whether the run's shared Redis is embedded, so that suites get these users. */
  static boolean isEmbedded() {
    return isBlank(System.getenv("REDIS_URL")) && isBlank(System.getenv("REDIS_CLUSTER_NODES"));
  }

  private static boolean isBlank(@Nullable String value) {
    return value == null || value.isBlank();
  }

  /** Logs {@code settings} in as the user of {@code suite}'s capability, creating it on every node first. */
  synchronized void login(RedisSettings.Builder settings, Class<?> suite) {
    LeastPrivilege capability = RunsAsExtension.capabilityOf(suite);
    if (created.add(capability)) {
      String[] rules = suiteRules(capability, admin.isCluster()).split(" ");
      for (RedisClusterCommands<String, String> node : nodes()) {
        setUser(node, user(capability), PASSWORD, rules);
      }
    }
    logins.computeIfAbsent(suite, key -> new AtomicInteger()).incrementAndGet();
    settings.username(user(capability)).password(PASSWORD);
  }

  /** Makes {@code user} on {@code node} anew: on, with {@code password} and only {@code rules}. */
  static void setUser(RedisClusterCommands<String, String> node, String user, String password, String... rules) {
    CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).add("SETUSER").add(user).add("reset")
        .add("on").add(">" + password).addValues(rules);
    node.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), args);
  }

  /**
   * How many services {@code suite} (or a superclass of it, where a shared setup builds them) has logged in as its
   * capability's user since the last call, which starts the count again.
   */
  int takeLogins(Class<?> suite) {
    int count = 0;
    for (Class<?> type : List.copyOf(logins.keySet())) {
      if (type.isAssignableFrom(suite)) {
        count += logins.remove(type).get();
      }
    }
    return count;
  }

  /** The {@code ACL LOG} entries of {@code capability}'s user on every node, then clears every node's log. */
  List<Map<String, Object>> takeAclLog(LeastPrivilege capability) {
    List<Map<String, Object>> entries = new ArrayList<>();
    for (RedisClusterCommands<String, String> node : nodes()) {
      node.aclLog().stream().filter(entry -> user(capability).equals(entry.get("username"))).forEach(entries::add);
      node.aclLogReset();
    }
    return entries;
  }

  /** The admin service: for the raw state a suite seeds and checks. */
  RedisService admin() {
    return admin;
  }

  private List<RedisClusterCommands<String, String>> nodes() {
    if (!admin.isCluster()) {
      return List.of(admin.connection().sync());
    }
    List<RedisClusterCommands<String, String>> nodes = new ArrayList<>();
    for (RedisClusterNode node : admin.clusterConnection().getPartitions()) {
      nodes.add(admin.clusterConnection().getConnection(Objects.requireNonNull(node.getNodeId())).sync());
    }
    return nodes;
  }

  /**
   * The capability's rules for the suites' prefixes (on a cluster with {@link LeastPrivilege#CLUSTER}), but with every
   * channel: Redis compares a PSUBSCRIBE pattern with the rules' channel patterns as text, and the suites' patterns
   * start with a random prefix. The exact channel rules are {@link AclLeastPrivilegeTest}'s to check.
   */
  private static String suiteRules(LeastPrivilege capability, boolean cluster) {
    String rules = cluster ? capability.rulesOnCluster(PREFIXES) : capability.rules(PREFIXES);
    String keysAndCommands = rules.replaceAll(" &\\S+", "");
    return keysAndCommands.equals(rules) ? rules : keysAndCommands + " allchannels";
  }

  private static String user(LeastPrivilege capability) {
    return USER_PREFIX + capability.user();
  }

  @Override
  public void close() {
    admin.close();
  }
}
