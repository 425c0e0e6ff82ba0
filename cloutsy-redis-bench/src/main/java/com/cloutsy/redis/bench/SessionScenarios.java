package com.cloutsy.redis.bench;

import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.session.Device;
import com.cloutsy.redis.session.SessionPolicy;
import com.cloutsy.redis.session.SessionStore;
import com.cloutsy.redis.session.UserType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.StringRedisSerializer;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;

/**
 * Sessions, created and read: this project's {@link SessionStore} (create is one script that writes the session and
 * its user's index; get is a GET and a PTTL in one round trip) against Spring Session's
 * {@code RedisIndexedSessionRepository} (save of a new session, then {@code findById}), the repository that keeps
 * an index by user as this project does. Both store the seed's payload: device id, user agent, user type and the
 * user's id (Spring's principal-name index), with Spring's default JDK serialization of attribute values. Spring's
 * repository is blocking: one thread per caller on Spring Data Redis's shared Lettuce connection; its once-a-minute
 * cleanup task is not started. Each created session belongs to a new user and lives 60 s; reads pick one of a set of
 * sessions created beforehand.
 */
final class SessionScenarios {

  static final String CREATE = "Session create";
  static final String GET = "Session get";
  static final String OURS_CREATE = "cloutsy SessionStore.create";
  static final String OURS_GET = "cloutsy SessionStore.get";
  static final String SPRING_SAVE = "Spring Session save";
  static final String SPRING_FIND = "Spring Session findById";
  static final String NOTE = "Both store the seed's payload (device id, user agent, user type) and index sessions"
      + " by user; Spring's attribute values are JDK-serialized, its default.";

  private static final Duration CREATED_TTL = Duration.ofSeconds(60);
  private static final String USER_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15"
      + " (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
  private static final String DEVICE_ID = "iphone-15-5f2c9a";
  private static final Device DEVICE = Device.of(DEVICE_ID, USER_AGENT, UserType.INFLUENCER);
  private static final String BENCH_NAMESPACE = "bench:spring:session";

  private final Clients clients;
  private final int stored;
  private final int sampled;
  private final SessionStore createStore;
  private final SessionStore store;
  private final RedisIndexedSessionRepository createRepository;
  private final RedisIndexedSessionRepository repository;
  private final RedisIndexedSessionRepository sampleRepository;
  private final AtomicLong users = new AtomicLong(100_000_000);

  /**
   * @param stored how many sessions each library creates beforehand for the reads
   * @param sampled how many sessions the memory measurement writes
   */
  SessionScenarios(Clients clients, int stored, int sampled) {
    this.clients = clients;
    this.stored = stored;
    this.sampled = sampled;
    this.createStore = SessionStore.create(clients.redis(), SessionPolicy.defaults().withTtl(CREATED_TTL));
    this.store = SessionStore.create(clients.redis());
    RedisTemplate<String, Object> template = new RedisTemplate<>();
    template.setConnectionFactory(clients.spring());
    // What Spring Session's own configuration sets up: string keys and hash keys, JDK-serialized values.
    template.setKeySerializer(new StringRedisSerializer());
    template.setHashKeySerializer(new StringRedisSerializer());
    template.afterPropertiesSet();
    this.createRepository = repository(template, BENCH_NAMESPACE, CREATED_TTL);
    this.repository = repository(template, BENCH_NAMESPACE, SessionPolicy.DEFAULT_TTL);
    this.sampleRepository = repository(template, RedisIndexedSessionRepository.DEFAULT_NAMESPACE,
        SessionPolicy.DEFAULT_TTL);
  }

  private static RedisIndexedSessionRepository repository(RedisTemplate<String, Object> template, String namespace,
      Duration maxInactive) {
    RedisIndexedSessionRepository repository = new RedisIndexedSessionRepository(template);
    repository.setRedisKeyNamespace(namespace);
    repository.setDefaultMaxInactiveInterval(maxInactive);
    return repository;
  }

  List<Scenario> scenarios() {
    String ourHow = "async, on the one multiplexed connection of RedisService";
    String springHow = "blocking, a thread per caller, Spring Data Redis's shared Lettuce connection";
    List<Scenario> scenarios = new ArrayList<>();
    scenarios.add(new Scenario(CREATE, OURS_CREATE, Scenario.Role.OURS,
        new Scenario.Load.Async(() -> createStore.createAsync(nextUser(), DEVICE)),
        "`SessionStore.createAsync` (one EVALSHA: value, index, TTLs), " + ourHow,
        Scenario.Memory.of("session", steps -> {
          List<String> keys = new ArrayList<>();
          Keys layout = clients.redis().keyNames();
          for (int i = 0; i < sampled; i++) {
            String user = nextUser();
            String jti = store.create(user, DEVICE).session().jti();
            keys.add(layout.session(user, jti));
            keys.add(layout.sessionIndex(user));
          }
          return new Scenario.Sample(keys, sampled);
        })));
    scenarios.add(new Scenario(CREATE, SPRING_SAVE, Scenario.Role.PEER,
        new Scenario.Load.Blocking(() -> save(createRepository, nextUser())),
        "`RedisIndexedSessionRepository.createSession` + 4 attributes + `save`, " + springHow,
        Scenario.Memory.of("session", steps -> {
          for (int i = 0; i < sampled; i++) {
            save(sampleRepository, nextUser());
          }
          return new Scenario.Sample(clients.keysMatching(RedisIndexedSessionRepository.DEFAULT_NAMESPACE + ":*"),
              sampled);
        })));

    String[][] ours = createdByUs();
    String[] spring = createdBySpring();
    scenarios.add(new Scenario(GET, OURS_GET, Scenario.Role.OURS,
        new Scenario.Load.Async(() -> {
          String[] session = RateLimitScenarios.pick(ours);
          return store.getAsync(session[0], session[1]).thenApply(found -> found.orElseThrow());
        }),
        "`SessionStore.getAsync` (GET and PTTL in one round trip, JSON parsed), " + ourHow, null));
    scenarios.add(new Scenario(GET, SPRING_FIND, Scenario.Role.PEER,
        new Scenario.Load.Blocking(() -> {
          if (repository.findById(RateLimitScenarios.pick(spring)) == null) {
            throw new IllegalStateException("a stored Spring session was not found");
          }
        }),
        "`RedisIndexedSessionRepository.findById` (HGETALL, attributes deserialized), " + springHow, null));
    return scenarios;
  }

  private String[][] createdByUs() {
    List<CompletableFuture<String[]>> created = new ArrayList<>();
    for (int i = 0; i < stored; i++) {
      String user = nextUser();
      created.add(store.createAsync(user, DEVICE).toCompletableFuture()
          .thenApply(session -> new String[] {user, session.session().jti()}));
    }
    return created.stream().map(CompletableFuture::join).toArray(String[][]::new);
  }

  private String[] createdBySpring() {
    // Blocking saves, several round trips each: a few threads make the setup quicker.
    return IntStream.range(0, stored).parallel().mapToObj(i -> save(repository, nextUser())).toArray(String[]::new);
  }

  private static String save(RedisIndexedSessionRepository repository, String user) {
    RedisIndexedSessionRepository.RedisSession session = repository.createSession();
    session.setAttribute("deviceId", DEVICE_ID);
    session.setAttribute("userAgent", USER_AGENT);
    session.setAttribute("userType", UserType.INFLUENCER.stored());
    session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user);
    repository.save(session);
    return session.getId();
  }

  /** A user id of nine digits, new for every session. */
  private String nextUser() {
    return Long.toString(users.incrementAndGet());
  }
}
