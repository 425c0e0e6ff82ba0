package com.cloutsy.redis.demo.api;

import com.cloutsy.redis.demo.DemoProperties;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Stands in for the database behind {@code GET /api/niches}: every query takes {@code demo.niches.query-time} (200 ms
 * by default), which is what the cache saves. Counts its queries so a test can tell a hit from a load.
 */
@Component
public final class NicheCatalog {

  /**
   * A content niche creators are grouped by.
   *
   * @param creators how many creators the niche has
   */
  public record Niche(String id, String name, long creators) {}

  private static final List<Niche> NICHES = List.of(
      new Niche("fashion", "Fashion", 18_420),
      new Niche("beauty", "Beauty", 15_310),
      new Niche("fitness", "Fitness", 11_875),
      new Niche("food", "Food", 9_640),
      new Niche("travel", "Travel", 8_205),
      new Niche("tech", "Tech", 6_930),
      new Niche("gaming", "Gaming", 6_112),
      new Niche("parenting", "Parenting", 3_478));

  private final Duration queryTime;
  private final AtomicLong queries = new AtomicLong();

  NicheCatalog(DemoProperties properties) {
    this.queryTime = properties.niches().queryTime();
  }

  /** Every niche, after the simulated query time. */
  public List<Niche> query() {
    queries.incrementAndGet();
    try {
      Thread.sleep(queryTime.toMillis());
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during the niche query", interrupted);
    }
    return NICHES;
  }

  /** How many queries ran since start-up. */
  public long queries() {
    return queries.get();
  }
}
