package com.cloutsy.redis.health;

import java.util.Map;

/**
 * The server's memory, from {@code INFO memory} (the seed's {@code redis-cli info memory}). Sizes are bytes.
 *
 * @param usedMemory what Redis allocated ({@code used_memory})
 * @param usedMemoryRss what the operating system sees ({@code used_memory_rss})
 * @param peakMemory the highest {@code used_memory} since start ({@code used_memory_peak})
 * @param datasetMemory keys and values without overhead ({@code used_memory_dataset}), -1 if not reported
 * @param maxMemory the {@code maxmemory} limit, 0 for none
 * @param maxMemoryPolicy what happens at the limit ({@code noeviction}, {@code allkeys-lru}, ...)
 * @param fragmentationRatio {@code mem_fragmentation_ratio}: RSS over used memory, NaN if not reported
 * @param fields every field of the section, for what the components above leave out
 */
// The javadoc names INFO's field maxmemory beside the component maxMemory on purpose.
@SuppressWarnings("InvalidParam")
public record MemoryStats(long usedMemory, long usedMemoryRss, long peakMemory, long datasetMemory, long maxMemory,
    String maxMemoryPolicy, double fragmentationRatio, Map<String, String> fields) {

  /** Copies the fields. */
  public MemoryStats {
    fields = Map.copyOf(fields);
  }

  static MemoryStats from(InfoFields info) {
    return new MemoryStats(info.number("used_memory", 0), info.number("used_memory_rss", 0),
        info.number("used_memory_peak", 0), info.number("used_memory_dataset", -1), info.number("maxmemory", 0),
        info.text("maxmemory_policy", "unknown"), info.decimal("mem_fragmentation_ratio"), info.asMap());
  }

  /** Used memory as a share of {@code maxmemory}, or NaN when there is no limit. */
  public double usedShareOfMax() {
    return maxMemory > 0 ? (double) usedMemory / maxMemory : Double.NaN;
  }

  @Override
  public String toString() {
    return "MemoryStats[used=" + usedMemory + ", rss=" + usedMemoryRss + ", peak=" + peakMemory + ", max="
        + maxMemory + ", policy=" + maxMemoryPolicy + ", fragmentation=" + fragmentationRatio + "]";
  }
}
