package com.cloutsy.redis.session;

import com.cloutsy.redis.keys.Keys;
import com.cloutsy.redis.script.LuaScript;
import com.cloutsy.redis.script.Reply;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The flows of {@link SessionStore} that read or end a user's whole index: each handles an index of at most twice
 * {@link SessionPolicy#MAX_SESSIONS_PER_USER} entries in one atomic script and a larger one (written by the seed's
 * code, or kept without a limit) in bounded steps, so that no command's work grows with the index.
 */
final class SessionIndex {

  /** Runs a session script; {@link SessionStore} maps a wrong-type key to corruption. */
  interface Scripts {
    CompletionStage<Reply> run(String userId, LuaScript script, String[] keys, String... args);
  }

  static final LuaScript LIST = LuaScript.load("session-list.lua");
  static final LuaScript REVOKE_ALL = LuaScript.load("session-revoke-all.lua");
  private static final LuaScript SWEEP = LuaScript.load("session-sweep.lua");
  private static final LuaScript END = LuaScript.load("session-end.lua");

  /** SSCAN's COUNT for one step, and the most sessions session-end.lua ends at once: the scripts' SAMPLE. */
  static final int STEP = 128;
  private static final String STEP_TEXT = Integer.toString(STEP);
  private static final String YES = "1";
  private static final String NO = "0";
  private static final Duration NO_EXPIRY = ChronoUnit.FOREVER.getDuration();
  private static final Comparator<Session> OLDEST_FIRST =
      Comparator.comparing(Session::createdAt).thenComparing(Session::jti);

  private final Keys keys;
  private final SessionFormat format;
  private final Scripts reads;
  private final Scripts writes;
  private final String expireIndex;

  SessionIndex(Keys keys, SessionFormat format, Scripts reads, Scripts writes, boolean expireIndex) {
    this.keys = keys;
    this.format = format;
    this.reads = reads;
    this.writes = writes;
    this.expireIndex = expireIndex ? YES : NO;
  }

  /** The user's live sessions, oldest first. */
  IndexCall<List<Session>> list(String userId) {
    String index = keys.sessionIndex(userId);
    String prefix = keys.sessionPrefix(userId);
    return IndexCall.start(reads.run(userId, LIST, new String[] {index}, prefix, YES, expireIndex),
        whole -> isWhole(whole) ? sorted(sessions(userId, whole, 1, new HashMap<>())) : null,
        sweep(reads, userId, index, prefix, "value", ""), () -> new IndexCall.Sweep<>() {
          private final Map<String, Session> found = new LinkedHashMap<>();

          @Override
          public void add(Reply step) {
            sessions(userId, step, 2, found);
          }

          @Override
          public List<Session> result() {
            return sorted(found);
          }
        });
  }

  /** How many live sessions the user has. */
  IndexCall<Long> count(String userId) {
    String index = keys.sessionIndex(userId);
    String prefix = keys.sessionPrefix(userId);
    return IndexCall.start(reads.run(userId, LIST, new String[] {index}, prefix, NO, expireIndex),
        whole -> isWhole(whole) ? whole.integer(1) : null, sweep(reads, userId, index, prefix, "jti", ""),
        () -> new JtiSweep());
  }

  /** Ends every session of the user but {@code keep} ("" for none); the number ended. */
  IndexCall<Long> endAll(String userId, String keep) {
    String index = keys.sessionIndex(userId);
    String prefix = keys.sessionPrefix(userId);
    return IndexCall.start(writes.run(userId, REVOKE_ALL, new String[] {index}, prefix, keep, expireIndex),
        whole -> isWhole(whole) ? whole.integer(1) : null, sweep(writes, userId, index, prefix, "end", keep),
        () -> new JtiSweep());
  }

  /** Walks the whole index, dropping dead entries, and collects the live sessions' creation times. */
  IndexCall<Cleaning> clean(String userId) {
    String index = keys.sessionIndex(userId);
    IndexCall.Step step = sweep(writes, userId, index, keys.sessionPrefix(userId), "value", "");
    return IndexCall.walk(step, new IndexCall.Sweep<>() {
      private final Cleaning cleaning = new Cleaning();

      @Override
      public void add(Reply step) {
        cleaning.dropped += step.integer(1);
        for (int i = 2; i + 2 < step.size(); i += 3) {
          String jti = Objects.requireNonNull(step.text(i), "jti");
          cleaning.created.put(jti, createdAt(userId, jti, Objects.requireNonNull(step.text(i + 1), "value")));
        }
      }

      @Override
      public Cleaning result() {
        return cleaning;
      }
    });
  }

  /** Ends the oldest sessions of {@code cleaning} beyond {@code max}, a batch per command. */
  IndexCall<IndexCleanup> evict(String userId, Cleaning cleaning, int max) {
    List<String> oldest = new ArrayList<>(cleaning.created.keySet());
    oldest.sort(Comparator.comparing((String jti) -> cleaning.created.get(jti)).thenComparing(jti -> jti));
    List<String> over = max > 0 && oldest.size() > max ? oldest.subList(0, oldest.size() - max) : List.of();
    String[] index = {keys.sessionIndex(userId)};
    String prefix = keys.sessionPrefix(userId);
    int batches = (over.size() + STEP - 1) / STEP;
    return IndexCall.batches(batches, i -> {
      List<String> batch = over.subList(i * STEP, Math.min(over.size(), (i + 1) * STEP));
      String[] args = new String[batch.size() + 1];
      args[0] = prefix;
      for (int j = 0; j < batch.size(); j++) {
        args[j + 1] = batch.get(j);
      }
      return writes.run(userId, END, index, args);
    }, new IndexCall.Sweep<>() {
      private long ended;

      @Override
      public void add(Reply step) {
        ended += step.size();
      }

      @Override
      public IndexCleanup result() {
        return new IndexCleanup(cleaning.dropped, ended, cleaning.created.size() - over.size());
      }
    });
  }

  /** What a cleaning walk found: dead entries dropped, and each live session's creation time. */
  static final class Cleaning {
    private long dropped;
    private final Map<String, Instant> created = new HashMap<>();
  }

  private static IndexCall.Step sweep(Scripts scripts, String userId, String index, String prefix, String mode,
      String keep) {
    return cursor -> scripts.run(userId, SWEEP, new String[] {index}, prefix, cursor, mode, keep, STEP_TEXT);
  }

  private static boolean isWhole(Reply reply) {
    return reply.integer(0) == 1;
  }

  /** The jtis a walk reported, each once: SSCAN may return an entry twice. */
  private static final class JtiSweep implements IndexCall.Sweep<Long> {
    private final Set<String> jtis = new HashSet<>();

    @Override
    public void add(Reply step) {
      for (int i = 2; i < step.size(); i++) {
        jtis.add(Objects.requireNonNull(step.text(i), "jti"));
      }
    }

    @Override
    public Long result() {
      return (long) jtis.size();
    }
  }

  private Map<String, Session> sessions(String userId, Reply reply, int from, Map<String, Session> into) {
    for (int i = from; i + 2 < reply.size(); i += 3) {
      String jti = Objects.requireNonNull(reply.text(i), "jti");
      long ttl = reply.integer(i + 2);
      String value = Objects.requireNonNull(reply.text(i + 1), "value");
      SessionFormat.Stored stored = format.read(keys.session(userId, jti), userId, jti, value);
      into.put(jti, stored.toSession(jti, ttl == -1 ? NO_EXPIRY : Duration.ofMillis(ttl)));
    }
    return into;
  }

  /** When a session began; one whose value cannot be read counts as the oldest, as in session-create.lua. */
  private Instant createdAt(String userId, String jti, String value) {
    try {
      return format.read(keys.session(userId, jti), userId, jti, value).createdAt();
    } catch (SessionCorruptedException unreadable) {
      return Instant.MIN;
    }
  }

  private static List<Session> sorted(Map<String, Session> sessions) {
    List<Session> list = new ArrayList<>(sessions.values());
    list.sort(OLDEST_FIRST);
    return List.copyOf(list);
  }
}
