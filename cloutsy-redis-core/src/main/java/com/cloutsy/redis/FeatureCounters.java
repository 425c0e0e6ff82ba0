package com.cloutsy.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Cumulative counts of what the capabilities built on one {@link RedisService} did: cache hits, rate-limit
 * denials, OTP codes issued, sessions revoked. Kept without any metrics library, so core needs none;
 * {@code com.cloutsy.redis.health.RedisMeters} publishes every counter, also those created later, to Micrometer.
 *
 * <p>Names follow Micrometer's convention, {@code cloutsy.redis.<feature>.<measure>}, with tags for the outcome
 * ({@code cloutsy.redis.cache.gets}, {@code result=hit}). A capability obtains its counters once, when it is
 * built; incrementing one is a {@link LongAdder} add, cheap enough for every call. Thread-safe.
 */
public final class FeatureCounters {

  private final Map<Id, Counter> counters = new ConcurrentHashMap<>();
  private final List<Consumer<Counter>> listeners = new ArrayList<>();

  FeatureCounters() {}

  /**
   * Returns the counter with this name and tags, creating it at zero the first time.
   *
   * @param name dotted lower-case name, e.g. {@code cloutsy.redis.cache.gets}
   * @param tags tag keys and values, alternating: {@code "result", "hit"}
   * @throws IllegalArgumentException if the name is blank or the tags are not key/value pairs
   */
  public Counter counter(String name, String... tags) {
    Id id = new Id(name, tagMap(tags));
    Counter existing = counters.get(id);
    return existing != null ? existing : create(id);
  }

  // Creation is rare (once per counter); the lock makes each listener see each counter exactly once.
  private synchronized Counter create(Id id) {
    Counter existing = counters.get(id);
    if (existing != null) {
      return existing;
    }
    Counter created = new Counter(id);
    counters.put(id, created);
    listeners.forEach(listener -> listener.accept(created));
    return created;
  }

  /** Every counter created so far. */
  public Collection<Counter> all() {
    return List.copyOf(counters.values());
  }

  /**
   * Calls {@code listener} for every counter that exists now and for each one created later (once per counter),
   * so a metrics binder sees all of them whenever it is attached.
   */
  public synchronized void forEach(Consumer<Counter> listener) {
    listeners.add(listener);
    counters.values().forEach(listener);
  }

  private static Map<String, String> tagMap(String[] tags) {
    if (tags.length % 2 != 0) {
      throw new IllegalArgumentException("tags must be key/value pairs, got " + tags.length + " strings");
    }
    Map<String, String> map = new TreeMap<>();
    for (int i = 0; i < tags.length; i += 2) {
      map.put(tags[i], tags[i + 1]);
    }
    return Map.copyOf(map);
  }

  /**
   * A counter's identity.
   *
   * @param name dotted lower-case name
   * @param tags tag keys to values
   */
  public record Id(String name, Map<String, String> tags) {

    /** Checks the name. */
    public Id {
      if (name.isBlank()) {
        throw new IllegalArgumentException("counter name must not be blank");
      }
      tags = Map.copyOf(tags);
    }
  }

  /** One monotonically increasing count. Thread-safe. */
  public static final class Counter {

    private final Id id;
    private final LongAdder count = new LongAdder();

    private Counter(Id id) {
      this.id = id;
    }

    /** The name and tags. */
    public Id id() {
      return id;
    }

    /** Adds one. */
    public void increment() {
      count.increment();
    }

    /** Adds {@code amount}, which must not be negative. */
    public void add(long amount) {
      if (amount < 0) {
        throw new IllegalArgumentException("a counter only grows; amount was " + amount);
      }
      count.add(amount);
    }

    /** The count so far. */
    public long count() {
      return count.sum();
    }

    @Override
    public String toString() {
      return id.name() + id.tags() + "=" + count();
    }
  }
}
