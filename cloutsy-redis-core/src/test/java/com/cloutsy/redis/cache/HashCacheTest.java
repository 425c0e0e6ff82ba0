package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisMatrix;
import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.codec.Codec;
import com.cloutsy.redis.codec.CodecException;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.keys.KeyLayout;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.core.type.TypeReference;

/** Typed hashes such as {@code user:{userId}:prefs}, in both key layouts. */
@RunsAs(LeastPrivilege.CACHE)
@RedisMatrix(layouts = {KeyLayout.SEED, KeyLayout.CLUSTER}, topologies = {Topology.SINGLE, Topology.CLUSTER})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HashCacheTest {

  enum Theme { DARK, LIGHT }

  record Prefs(String theme, String language, int fontSize, boolean beta, List<String> pinned) {}

  record Strict(String theme) {
    Strict {
      Objects.requireNonNull(theme, "theme");
    }
  }

  private static final Duration TTL = Duration.ofMinutes(30);

  /** This invocation's layout, which {@link #start} receives before any test runs. */
  private KeyLayout layout;

  private RedisService redis;
  private RedisCache cache;
  private HashCache hashes;

  @RedisMatrix.BeforeInvocation
  void start(KeyLayout invocationLayout, RedisEndpoint endpoint) {
    layout = invocationLayout;
    redis = TestRedis.start(endpoint, invocationLayout);
    cache = RedisCache.create(redis, "prefs", CachePolicy.of(TTL));
    hashes = cache.hashes();
  }

  @RedisMatrix.AfterInvocation
  void close() {
    cache.close();
    redis.close();
  }

  private String freshKey() {
    return redis.keyNames().userPrefs(UUID.randomUUID().toString());
  }

  private long count(String name, String... tags) {
    String[] all = new String[tags.length + 2];
    all[0] = "cache";
    all[1] = "prefs";
    System.arraycopy(tags, 0, all, 2, tags.length);
    return redis.runtime().counters().counter("cloutsy.redis.cache." + name, all).count();
  }

  @Test
  void typedFieldsRoundTripAndStayPlainTextForTheSeedService() {
    String key = freshKey();

    assertThat(hashes.hset(key, "theme", "dark", TTL)).isTrue();
    assertThat(hashes.hset(key, "theme", "light", TTL)).isFalse();
    hashes.hset(key, "fontSize", 14, TTL);
    hashes.hset(key, "beta", true, TTL);
    hashes.hset(key, "pinned", List.of("a", "b"), TTL);
    hashes.hset(key, "mode", Theme.DARK, TTL);

    assertThat(redis.hget(key, "theme")).isEqualTo("light");
    assertThat(redis.hget(key, "fontSize")).isEqualTo("14");
    assertThat(redis.hget(key, "beta")).isEqualTo("true");
    assertThat(redis.hget(key, "pinned")).isEqualTo("[\"a\",\"b\"]");
    assertThat(hashes.hget(key, "theme", String.class)).isEqualTo("light");
    assertThat(hashes.hget(key, "fontSize", Integer.class)).isEqualTo(14);
    assertThat(hashes.hget(key, "beta", Boolean.class)).isTrue();
    assertThat(hashes.hget(key, "pinned", new TypeReference<List<String>>() {})).containsExactly("a", "b");
    assertThat(hashes.hget(key, "mode", Theme.class)).isEqualTo(Theme.DARK);
    assertThat(hashes.hget(key, "missing", String.class)).isNull();
    assertThat(hashes.hget(freshKey(), "theme", String.class)).isNull();
  }

  @Test
  void fieldsTheSeedServiceWroteReadTyped() {
    String key = freshKey();
    redis.hset(key, "theme", "dark");
    redis.hset(key, "language", "en");
    redis.hset(key, "fontSize", "16");

    assertThat(hashes.hgetAllAsRecord(key, Prefs.class)).isEqualTo(new Prefs("dark", "en", 16, false, null));
    assertThat(hashes.hgetAll(key, String.class))
        .isEqualTo(Map.of("theme", "dark", "language", "en", "fontSize", "16"));
  }

  @Test
  void aRecordIsWrittenFieldByFieldAndReadBack() {
    String key = freshKey();
    Prefs prefs = new Prefs("dark", "en", 14, true, List.of("home"));

    assertThat(hashes.hsetAll(key, prefs, TTL)).isEqualTo(5);

    assertThat(hashes.hgetAllAsRecord(key, Prefs.class)).isEqualTo(prefs);
    assertThat(TestRedis.sync(redis).hgetall(key)).containsEntry("theme", "dark").containsEntry("fontSize", "14")
        .containsEntry("pinned", "[\"home\"]");
  }

  @Test
  void aNullComponentOrMapValueRemovesItsField() {
    String key = freshKey();
    hashes.hsetAll(key, new Prefs("dark", "en", 14, true, List.of()), TTL);

    hashes.hsetAll(key, new Prefs("light", null, 12, false, null), TTL);
    assertThat(TestRedis.sync(redis).hkeys(key)).containsExactlyInAnyOrder("theme", "fontSize", "beta");

    Map<String, Object> change = new HashMap<>();
    change.put("theme", null);
    change.put("language", "de");
    assertThat(hashes.hsetAll(key, change, TTL)).isEqualTo(1);
    assertThat(hashes.hgetAllAsRecord(key, Prefs.class)).isEqualTo(new Prefs(null, "de", 12, false, null));
  }

  @Test
  void anAbsentHashIsAnEmptyMapAndANullRecord() {
    String key = freshKey();

    assertThat(hashes.hgetAll(key, String.class)).isEmpty();
    assertThat(hashes.hgetAllAsRecord(key, Prefs.class)).isNull();
  }

  @Test
  void everyWriteRenewsTheTtlOfTheWholeHash() {
    String key = freshKey();
    hashes.hset(key, "theme", "dark", Duration.ofSeconds(5));
    assertThat(TestRedis.sync(redis).pttl(key)).isBetween(1L, 5_000L);

    hashes.hset(key, "language", "en", TTL);

    assertThat(TestRedis.sync(redis).pttl(key)).as("TTL less at most 10 % jitter")
        .isBetween(TTL.toMillis() * 9 / 10 - 1_000, TTL.toMillis());
    assertThat(hashes.hdel(key, "language", "missing")).isEqualTo(1);
    assertThat(TestRedis.sync(redis).pttl(key)).as("HDEL keeps the TTL").isGreaterThan(5_000L);
  }

  @Test
  void aCorruptFieldReadsAsAbsentIsDeletedAndCounted() {
    String key = freshKey();
    redis.hset(key, "theme", "dark");
    redis.hset(key, "fontSize", "fourteen");
    long corrupt = count("corrupt");

    assertThat(hashes.hget(key, "fontSize", Integer.class)).isNull();
    assertThat(count("corrupt") - corrupt).isEqualTo(1);
    await().atMost(Duration.ofSeconds(2)).until(() -> redis.hget(key, "fontSize") == null);

    redis.hset(key, "fontSize", "fourteen");
    assertThat(hashes.hgetAllAsRecord(key, Prefs.class)).isEqualTo(new Prefs("dark", null, 0, false, null));
    assertThat(count("corrupt") - corrupt).isEqualTo(2);
  }

  @Test
  void aHashThatTheRecordRejectsIsNullAndCountedAsCorrupt() {
    String key = freshKey();
    redis.hset(key, "language", "en");
    long corrupt = count("corrupt");

    assertThat(hashes.hgetAllAsRecord(key, Strict.class)).isNull();
    assertThat(count("corrupt") - corrupt).isEqualTo(1);
  }

  @Test
  void readsAreCountedAsHitsAndMisses() {
    String key = freshKey();
    hashes.hset(key, "theme", "dark", TTL);
    long hits = count("gets", "result", "hit");
    long misses = count("gets", "result", "miss");

    hashes.hget(key, "theme", String.class);
    hashes.hget(key, "other", String.class);
    hashes.hgetAll(key, String.class);
    hashes.hgetAllAsRecord(freshKey(), Prefs.class);

    assertThat(count("gets", "result", "hit") - hits).isEqualTo(2);
    assertThat(count("gets", "result", "miss") - misses).isEqualTo(2);
  }

  @Test
  void asynchronousFormsAgreeWithTheBlockingOnes() {
    String key = freshKey();

    assertThat(hashes.hsetAsync(key, "theme", "dark", TTL).toCompletableFuture().join()).isTrue();
    assertThat(hashes.hsetAllAsync(key, Map.of("fontSize", 12), TTL).toCompletableFuture().join()).isEqualTo(1);
    assertThat(hashes.hsetAllAsync(key, new Prefs("dark", "en", 12, false, null), TTL).toCompletableFuture().join())
        .isEqualTo(2);
    assertThat(hashes.hgetAsync(key, "fontSize", Integer.class).toCompletableFuture().join()).isEqualTo(12);
    assertThat(hashes.hgetAsync(key, "theme", new TypeReference<String>() {}).toCompletableFuture().join())
        .isEqualTo("dark");
    assertThat(hashes.hgetAllAsync(key, String.class).toCompletableFuture().join()).containsKeys("theme", "beta");
    assertThat(hashes.hgetAllAsync(key, new TypeReference<String>() {}).toCompletableFuture().join())
        .containsEntry("language", "en");
    assertThat(hashes.hgetAllAsRecordAsync(key, Prefs.class).toCompletableFuture().join())
        .isEqualTo(new Prefs("dark", "en", 12, false, null));
    assertThat(hashes.hdelAsync(key, "beta").toCompletableFuture().join()).isEqualTo(1);
  }

  @Test
  void aCodecThatWritesBinaryIsRefusedForHashes() {
    Codec binary = new Codec() {
      @Override
      public byte[] encode(Object value) {
        return new byte[] {(byte) 0xC3, (byte) 0x28};
      }

      @Override
      public <T> T decode(byte[] bytes, Type type) {
        throw new CodecException("unused");
      }
    };
    try (RedisCache binaryCache = RedisCache.create(redis, "prefs", CachePolicy.of(TTL).withCodec(binary))) {
      String key = freshKey();

      assertThatThrownBy(() -> binaryCache.hashes().hset(key, "n", 1, TTL)).isInstanceOf(CodecException.class)
          .hasMessageContaining("not UTF-8");
      assertThat(redis.exists(key)).isZero();
    }
  }

  @Test
  void badArgumentsAreRejectedWithTheirName() {
    String key = freshKey();

    assertThatThrownBy(() -> hashes.hset(key, null, "v", TTL)).isInstanceOf(NullPointerException.class)
        .hasMessage("field must not be null");
    assertThatThrownBy(() -> hashes.hset(key, "f", null, TTL)).isInstanceOf(NullPointerException.class)
        .hasMessage("value must not be null");
    assertThatThrownBy(() -> hashes.hsetAll(key, Map.of(), TTL)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fields must name at least one field");
    assertThatThrownBy(() -> hashes.hset(key, "f", "v", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be at least 1 ms, was PT0S");
    assertThatThrownBy(() -> hashes.hdel(key)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fields must name at least one field");
    assertThatThrownBy(() -> hashes.hgetAllAsRecord(key, castRecord(String.class)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be a record class");
    assertThat(redis.exists(key)).isZero();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Class<Record> castRecord(Class<?> type) {
    return (Class) type;
  }

  /** A per-class instance serves every invocation: only {@code @RedisMatrix.BeforeInvocation} runs per layout. */
  @Test
  void theServiceUsesThisInvocationsLayout() {
    assertThat(redis.keyNames().layout()).isEqualTo(layout);
  }
}
