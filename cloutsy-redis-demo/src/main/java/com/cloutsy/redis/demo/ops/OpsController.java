package com.cloutsy.redis.demo.ops;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.demo.ApiException;
import com.cloutsy.redis.demo.auth.DeviceSession;
import com.cloutsy.redis.demo.auth.Users;
import com.cloutsy.redis.health.BigKeys;
import com.cloutsy.redis.health.Diagnostics;
import com.cloutsy.redis.health.HealthCheck;
import com.cloutsy.redis.health.HealthReport;
import com.cloutsy.redis.health.KeyTtl;
import com.cloutsy.redis.health.KeyspaceSummary;
import com.cloutsy.redis.health.SlowlogEntry;
import com.cloutsy.redis.otp.OtpGuard;
import com.cloutsy.redis.ratelimit.Decision;
import com.cloutsy.redis.ratelimit.RateLimiter;
import com.cloutsy.redis.session.Session;
import com.cloutsy.redis.session.IndexCleanup;
import com.cloutsy.redis.session.SessionStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The JSON endpoints of the ops page, on the starter's {@link HealthCheck}, {@link Diagnostics}, {@link SessionStore}
 * and {@link RateLimiter}. Who may call them is {@link OpsAccess}'s decision. Every call is bounded: the keyspace
 * walks stop at {@value #SAMPLE_LIMIT} keys and at the diagnostics time limit, and say so.
 */
@RestController
@RequestMapping("/ops/api")
class OpsController {

  static final int SAMPLE_LIMIT = 10_000;
  private static final int SLOWLOG_ENTRIES = 20;
  static final int SESSIONS_SHOWN = 100;
  private static final int SLOWLOG_ARGUMENTS_SHOWN = 2;

  private final HealthCheck health;
  private final HealthHistory history;
  private final Diagnostics diagnostics;
  private final SessionStore sessions;
  private final RateLimiter limiter;
  private final RouteLimits routes;
  private final Users users;
  private final RedisService redis;
  private final String endpoint;

  OpsController(HealthCheck health, HealthHistory history, Diagnostics diagnostics, SessionStore sessions,
      RateLimiter limiter, RouteLimits routes, Users users, RedisService redis, RedisSettings settings) {
    this.health = health;
    this.history = history;
    this.diagnostics = diagnostics;
    this.sessions = sessions;
    this.limiter = limiter;
    this.routes = routes;
    this.users = users;
    this.redis = redis;
    this.endpoint = settings.describeEndpoint();
  }

  /**
   * The health report and the sampled history.
   *
   * @param pingMillis the PING round trip of this check, or null when PING failed
   * @param server what INFO said, or null when it could not be read
   * @param history the last ten minutes, oldest first
   */
  record Health(String status, List<String> reasons, @Nullable Double pingMillis, String endpoint,
      @Nullable Server server, Instant checkedAt, List<HealthHistory.Sample> history) {}

  /** The server's numbers; {@code fragmentation} is null when the server does not report it. */
  record Server(String version, String role, long connectedClients, long usedMemory, long peakMemory,
      long maxMemory, String maxMemoryPolicy, @Nullable Double fragmentation, long evictedKeys, long uptimeSeconds) {}

  record Keyspace(long databaseSize, long keysSampled, String end, long tookMillis,
      List<KeyspaceSummary.Namespace> namespaces) {}

  record BigKeyTypes(long keysSampled, String end, long tookMillis, List<BigKeys.TypeUsage> types) {}

  /** One slow command; {@code command} shows the name, the key and how many more arguments there were. */
  record Slow(long id, Instant startedAt, long micros, String command, String client) {}

  /** A user's sessions: {@code total} of them, the newest {@value #SESSIONS_SHOWN} in {@code sessions}. */
  record UserSessions(String userId, @Nullable String identifier, int total, List<DeviceSession> sessions) {}

  record Revoked(long revoked) {}

  record RouteView(String name, long limit, long windowSeconds, long burst, String algorithm, String key) {}

  /**
   * A caller's count on one route, without spending from it.
   *
   * @param ttlMillis the key's time to live, or -1 when the key does not exist (a full allowance)
   */
  record LimitState(String key, String route, long limit, long remaining, boolean allowed, long retryAfterMillis,
      long resetAfterMillis, long ttlMillis) {}

  @GetMapping("/health")
  Health health() {
    // HealthHistory checks every few seconds; each open page polling its own check would double the probes.
    HealthReport last = health.lastReport();
    HealthReport report = last != null ? last : health.health();
    HealthReport.Server server = report.server();
    Server numbers = server == null ? null : new Server(server.version(), server.role(), server.connectedClients(),
        server.memory().usedMemory(), server.memory().peakMemory(), server.memory().maxMemory(),
        server.memory().maxMemoryPolicy(), finite(server.memory().fragmentationRatio()), server.evictedKeys(),
        server.uptime().toSeconds());
    return new Health(report.status().name(), report.reasons().stream().map(HealthReport.Reason::toString).toList(),
        HealthHistory.millis(report.pingLatency()), endpoint, numbers, report.checkedAt(), history.samples());
  }

  @GetMapping("/keyspace")
  Keyspace keyspace() {
    KeyspaceSummary summary = diagnostics.keyspaceSummary(SAMPLE_LIMIT);
    return new Keyspace(summary.databaseSize(), summary.keysSampled(), summary.end().name(),
        summary.took().toMillis(), summary.namespaces());
  }

  @GetMapping("/big-keys")
  BigKeyTypes bigKeys() {
    BigKeys big = diagnostics.bigKeys(SAMPLE_LIMIT);
    return new BigKeyTypes(big.keysSampled(), big.end().name(), big.took().toMillis(), big.types());
  }

  @GetMapping("/slowlog")
  List<Slow> slowlog() {
    return diagnostics.slowlog(SLOWLOG_ENTRIES).stream().map(OpsController::slow).toList();
  }

  /** The sessions of the user that {@code q} names: a user id, a phone number or an account's e-mail address. */
  @GetMapping("/users")
  UserSessions user(@RequestParam String q) {
    if (q.isBlank()) {
      throw ApiException.of(HttpStatus.BAD_REQUEST, "invalid_query", "q must name a user id, phone or e-mail.");
    }
    String userId = users.resolveId(q);
    String identifier = users.account(userId).map(Users.User::identifier)
        .orElse(OtpGuard.isPhone(q.strip()) ? q.strip() : null);
    List<Session> all = sessions.list(userId);
    List<DeviceSession> devices = all.stream()
        .sorted(Comparator.comparing(Session::createdAt).reversed())
        .limit(SESSIONS_SHOWN)
        .map(session -> DeviceSession.of(session, null))
        .toList();
    return new UserSessions(userId, identifier, all.size(), devices);
  }

  /** 204 once the session is revoked: its token gets 401 from the next request on. 404 if there was none. */
  @DeleteMapping("/users/{userId}/sessions/{jti}")
  ResponseEntity<Void> revoke(@PathVariable String userId, @PathVariable String jti) {
    if (!sessions.revoke(userId, jti)) {
      throw ApiException.of(HttpStatus.NOT_FOUND, "unknown_session", "This user has no session with this jti.");
    }
    return ResponseEntity.noContent().build();
  }

  /** Revokes every session of the user. */
  @DeleteMapping("/users/{userId}/sessions")
  Revoked revokeAll(@PathVariable String userId) {
    return new Revoked(sessions.revokeAll(userId));
  }

  /**
   * Cleans the user's session index in bounded steps: drops the entries of sessions that are gone (an index the
   * seed's code left behind can hold millions) and ends the oldest sessions over the per-user limit.
   */
  @PostMapping("/users/{userId}/sessions/index/clean")
  IndexCleanup cleanIndex(@PathVariable String userId) {
    return sessions.cleanIndex(userId);
  }

  /** The rate-limited routes and their limits. */
  @GetMapping("/rate-limits")
  List<RouteView> rateLimits() {
    return routes.routes().values().stream()
        .map(route -> new RouteView(route.name(), route.limit().limit(), route.limit().window().toSeconds(),
            route.limit().burst(), route.limit().algorithm().name(), route.key().name()))
        .toList();
  }

  /**
   * The count of {@code who} on {@code route}, read without spending a permit.
   *
   * @param who a user id, or {@code ip:<address>} for anonymous callers and address-keyed routes
   */
  @GetMapping("/rate-limits/state")
  LimitState rateLimitState(@RequestParam String who, @RequestParam String route) {
    RouteLimits.Route limit = route(route);
    String key = redis.keyNames().apiLimit(who, limit.name());
    Decision decision = limiter.peek(key, limit.limit());
    KeyTtl ttl = diagnostics.ttl(key);
    return new LimitState(key, limit.name(), decision.limit(), decision.remaining(), decision.allowed(),
        decision.retryAfter().toMillis(), decision.resetAfter().toMillis(),
        ttl instanceof KeyTtl.ExpiresIn expires ? expires.remaining().toMillis() : -1);
  }

  /** Gives {@code who} the full allowance on {@code route} again: support tooling. */
  @DeleteMapping("/rate-limits/state")
  ResponseEntity<Void> resetRateLimit(@RequestParam String who, @RequestParam String route) {
    limiter.reset(redis.keyNames().apiLimit(who, route(route).name()));
    return ResponseEntity.noContent().build();
  }

  private RouteLimits.Route route(String name) {
    RouteLimits.Route route = routes.routes().get(name);
    if (route == null) {
      throw ApiException.of(HttpStatus.NOT_FOUND, "unknown_route",
          "No rate-limited route is named \"" + name + "\"; GET /ops/api/rate-limits lists them.");
    }
    return route;
  }

  /** The command's name and key; other arguments may be personal data (values, codes), so only their count shows. */
  private static Slow slow(SlowlogEntry entry) {
    List<String> command = entry.command();
    String shown = String.join(" ", command.subList(0, Math.min(command.size(), SLOWLOG_ARGUMENTS_SHOWN)));
    int hidden = command.size() - Math.min(command.size(), SLOWLOG_ARGUMENTS_SHOWN);
    return new Slow(entry.id(), entry.startedAt(), entry.duration().toNanos() / 1_000,
        hidden > 0 ? shown + " (+" + hidden + " more)" : shown, entry.clientAddress());
  }

  private static @Nullable Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
