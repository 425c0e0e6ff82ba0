package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.codec.Codec;
import com.cloutsy.redis.codec.CodecException;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Map;

/**
 * Jazzer fuzz test of reading cache entries: whatever bytes another writer (or an attacker with access to Redis) left
 * at a cache key, {@link Envelope#read} gives an entry or a {@link CodecException}, and decoding its payload gives a
 * value of the requested type (or null, for JSON null) or a {@link CodecException}; nothing else, so
 * {@link RedisCache} can count any other outcome as a miss. A compressed entry never inflates beyond what it records
 * (no decompression bomb).
 *
 * <p>A normal test run replays the seed inputs under {@code src/test/resources/com/cloutsy/redis/cache/
 * CacheEntryFuzzTestInputs/anyStoredBytesAreAValueOrCorrupt/}. To fuzz, run with the environment variable
 * {@code JAZZER_FUZZ=1}. The input is the stored entry.
 */
class CacheEntryFuzzTest {

  /** A value type with the shapes caches hold: text, numbers, a list and a map. */
  record Profile(String name, long id, List<String> tags, Map<String, Integer> scores) {}

  @FuzzTest(maxDuration = "5m")
  void anyStoredBytesAreAValueOrCorrupt(byte[] stored) {
    Envelope.Stored entry;
    try {
      entry = Envelope.read(stored);
    } catch (CodecException corrupt) {
      assertThat(corrupt).hasMessageStartingWith("stored ");
      return;
    }
    byte[] payload = entry.payload();
    if (payload == null) {
      return;
    }
    assertThat(payload.length).as("never more than deflate can expand to")
        .isLessThanOrEqualTo(Math.max(stored.length, 1) * 1032);
    for (Class<?> type : List.of(Profile.class, String.class, Long.class)) {
      try {
        Object value = Codec.json().decode(payload, type);
        // JSON null is a value the seed's code may have stored; RedisCache reads it as a cached "not found".
        if (value != null) {
          assertThat(value).isInstanceOf(type);
        }
      } catch (CodecException corrupt) {
        assertThat(corrupt).hasMessageStartingWith("stored bytes are not JSON of ");
      }
    }
  }
}
