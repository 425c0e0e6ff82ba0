package com.cloutsy.redis.cache;

import com.cloutsy.redis.RedisRuntime;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.codec.Codec;
import com.cloutsy.redis.codec.CodecException;
import com.cloutsy.redis.ServerError;
import com.cloutsy.redis.script.LuaScript;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;

/**
 * Typed access to hashes that cache an object field by field, such as a user's preferences at
 * {@code user:{userId}:prefs} ({@code redis.keyNames().userPrefs(userId)}): read one field, all fields as a map, or all
 * fields as a record; write fields, with a TTL on the whole hash that every write renews.
 *
 * <pre>{@code
 * record Prefs(String theme, String language, int fontSize) {}
 * HashCache prefs = cache.hashes();
 * String key = redis.keyNames().userPrefs(userId);
 * prefs.hset(key, "theme", "dark", Duration.ofDays(30));
 * Prefs all = prefs.hgetAllAsRecord(key, Prefs.class);
 * }</pre>
 *
 * <p>Values are stored as text, so the seed service and {@code redis-cli} read them as they are: a {@code String} as
 * itself ({@code dark}), anything else as the codec's output ({@code 14}, {@code true}, {@code ["a","b"]} with
 * JSON), which must therefore be UTF-8 text. A field read as {@code String} is returned as stored.
 *
 * <p>Round trips: one per call, HGET or HGETALL for reads, one script for writes (HSET, HDEL and PEXPIRE applied
 * atomically, so a hash never loses its TTL halfway). Bound: HGETALL's work is the number of fields, which is what
 * the application writes to that key (a record's components, a user's preferences); use it only on hashes whose
 * fields the application controls, and HGET for any other. Failure policy, as for {@link RedisCache}: reads degrade, a
 * Redis failure reading as an absent field or hash (counted as degraded); writes throw
 * {@link RedisUnavailableException}. A field that does not decode as the requested type is corrupt: it is deleted,
 * counted, and reads as absent. No near cache: every read asks Redis. Thread-safe.
 */
public final class HashCache {

  private static final LuaScript PUT = LuaScript.load("hash-cache-put.lua");

  private final RedisCache cache;
  private final RedisRuntime runtime;
  private final Codec codec;

  HashCache(RedisCache cache) {
    this.cache = cache;
    this.runtime = cache.runtime();
    this.codec = cache.policy().codec();
  }

  // ---- reads ----

  /** The value of {@code field} in the hash at {@code key}, or null when either is absent. One HGET. */
  public <T> @Nullable T hget(String key, String field, Class<T> type) {
    return fieldValue(key, field, RedisCache.required(type, "type"));
  }

  /** {@link #hget(String, String, Class)} for a generic type such as {@code List<String>}. */
  public <T> @Nullable T hget(String key, String field, TypeReference<T> type) {
    return fieldValue(key, field, RedisCache.required(type, "type").getType());
  }

  /** Asynchronous {@link #hget(String, String, Class)}; decodes on the cache's executor. */
  public <T> CompletionStage<@Nullable T> hgetAsync(String key, String field, Class<T> type) {
    return fieldValueAsync(key, field, RedisCache.required(type, "type"));
  }

  /** Asynchronous {@link #hget(String, String, TypeReference)}; decodes on the cache's executor. */
  public <T> CompletionStage<@Nullable T> hgetAsync(String key, String field, TypeReference<T> type) {
    return fieldValueAsync(key, field, RedisCache.required(type, "type").getType());
  }

  /**
   * Every field of the hash at {@code key}, each decoded as {@code valueType}, in no particular order; empty when
   * the hash is absent. One HGETALL. Corrupt fields are left out (and deleted).
   */
  public <T> Map<String, T> hgetAll(String key, Class<T> valueType) {
    return allFields(key, RedisCache.required(valueType, "valueType"));
  }

  /** {@link #hgetAll(String, Class)} for a generic value type. */
  public <T> Map<String, T> hgetAll(String key, TypeReference<T> valueType) {
    return allFields(key, RedisCache.required(valueType, "valueType").getType());
  }

  /** Asynchronous {@link #hgetAll(String, Class)}; decodes on the cache's executor. */
  public <T> CompletionStage<Map<String, T>> hgetAllAsync(String key, Class<T> valueType) {
    Type type = RedisCache.required(valueType, "valueType");
    return readAsync(key, this::rawAll, fields -> decodeAll(key, fields, type), Map.of());
  }

  /** Asynchronous {@link #hgetAll(String, TypeReference)}; decodes on the cache's executor. */
  public <T> CompletionStage<Map<String, T>> hgetAllAsync(String key, TypeReference<T> valueType) {
    Type type = RedisCache.required(valueType, "valueType").getType();
    return readAsync(key, this::rawAll, fields -> decodeAll(key, fields, type), Map.of());
  }

  /**
   * The hash at {@code key} as a record: each component takes the field of its name, decoded as the component's
   * type; a missing or corrupt field gives null (0 or false for a primitive), extra fields are ignored. Null when
   * the hash is absent, or when the record's constructor rejects the values (counted as corrupt). One HGETALL.
   *
   * @throws IllegalArgumentException if {@code recordType} is not a record whose canonical constructor this
   *     library may call
   */
  public <R extends Record> @Nullable R hgetAllAsRecord(String key, Class<R> recordType) {
    checkRecord(recordType);
    CallerThread caller = cache.callerThread();
    return caller.await(readOn(key, this::rawAll, fields -> toRecord(key, fields, recordType), Map.of(), caller));
  }

  /** Asynchronous {@link #hgetAllAsRecord(String, Class)}; decodes on the cache's executor. */
  public <R extends Record> CompletionStage<@Nullable R> hgetAllAsRecordAsync(String key, Class<R> recordType) {
    checkRecord(recordType);
    return readAsync(key, this::rawAll, fields -> toRecord(key, fields, recordType), Map.of());
  }

  // ---- writes ----

  /**
   * Sets one field and renews the hash's TTL (less the policy's jitter), atomically; returns whether the field is
   * new.
   *
   * @throws RedisUnavailableException if Redis could not be asked; a timed-out write may still have happened
   * @throws CodecException if the value cannot be written as text
   */
  public boolean hset(String key, String field, Object value, Duration ttl) {
    return runtime.await(hsetAsync(key, field, value, ttl));
  }

  /** Asynchronous {@link #hset(String, String, Object, Duration)}; encodes on the calling thread. */
  public CompletionStage<Boolean> hsetAsync(String key, String field, Object value, Duration ttl) {
    Map<String, Object> one = Collections.singletonMap(
        RedisCache.required(field, "field"), RedisCache.required(value, "value"));
    return write(key, one, ttl).thenApply(added -> added > 0);
  }

  /**
   * Sets the fields of {@code fields}, removes those whose value is null, and renews the hash's TTL, atomically;
   * returns how many fields are new.
   *
   * @throws IllegalArgumentException if {@code fields} is empty
   * @throws RedisUnavailableException if Redis could not be asked; a timed-out write may still have happened
   */
  public long hsetAll(String key, Map<String, ?> fields, Duration ttl) {
    return runtime.await(hsetAllAsync(key, fields, ttl));
  }

  /** Asynchronous {@link #hsetAll(String, Map, Duration)}; encodes on the calling thread. */
  public CompletionStage<Long> hsetAllAsync(String key, Map<String, ?> fields, Duration ttl) {
    return write(key, fields, ttl);
  }

  /**
   * Writes a record's components as fields of the same names (a null component removes its field) and renews the
   * hash's TTL, atomically; returns how many fields are new.
   *
   * @throws RedisUnavailableException if Redis could not be asked; a timed-out write may still have happened
   */
  public long hsetAll(String key, Record fields, Duration ttl) {
    return runtime.await(hsetAllAsync(key, fields, ttl));
  }

  /** Asynchronous {@link #hsetAll(String, Record, Duration)}; encodes on the calling thread. */
  public CompletionStage<Long> hsetAllAsync(String key, Record fields, Duration ttl) {
    return write(key, fieldsOf(RedisCache.required(fields, "fields")), ttl);
  }

  /**
   * Removes fields from the hash at {@code key}, leaving its TTL; returns how many existed. One HDEL.
   *
   * @throws RedisUnavailableException if Redis could not be asked
   */
  public long hdel(String key, String... fields) {
    return runtime.await(hdelAsync(key, fields));
  }

  /** Asynchronous {@link #hdel(String, String...)}. */
  public CompletionStage<Long> hdelAsync(String key, String... fields) {
    String checked = RedisCache.checkedKey(key);
    if (RedisCache.required(fields, "fields").length == 0) {
      throw new IllegalArgumentException("fields must name at least one field");
    }
    for (String field : fields) {
      RedisCache.required(field, "field");
    }
    cache.ensureOpen();
    return runtime.send(commands -> commands.hdel(checked, fields));
  }

  // ---- reading ----

  @SuppressWarnings("TypeParameterUnusedInFormals") // T is what type names, as in Codec.decode
  private <T> @Nullable T fieldValue(String key, String field, Type type) {
    CallerThread caller = cache.callerThread();
    return caller.await(this.<T>fieldValueOn(key, field, type, caller));
  }

  private <T> CompletionStage<@Nullable T> fieldValueAsync(String key, String field, Type type) {
    return fieldValueOn(key, field, type, cache.onExecutor());
  }

  // HGET's reply is a @Nullable String, which readOn hands through as its R; NullAway does not follow nullness
  // through a type argument.
  @SuppressWarnings("NullAway")
  private <T> CompletionStage<@Nullable T> fieldValueOn(String key, String field, Type type, Executor work) {
    RedisCache.required(field, "field");
    return readOn(key, checked -> rawField(checked, field), raw -> decodeCounted(key, field, raw, type), null, work);
  }

  private <T> Map<String, T> allFields(String key, Type type) {
    CallerThread caller = cache.callerThread();
    return caller.await(readOn(key, this::rawAll, fields -> decodeAll(key, fields, type), Map.of(), caller));
  }

  private CompletionStage<@Nullable String> rawField(String key, String field) {
    return runtime.send(commands -> commands.hget(key, field));
  }

  private CompletionStage<Map<String, String>> rawAll(String key) {
    return runtime.send(commands -> commands.hgetall(key));
  }

  private <R, T> CompletionStage<T> readAsync(String key, Function<String, CompletionStage<R>> read,
      Function<R, T> decode, R absent) {
    return readOn(key, read, decode, absent, cache.onExecutor());
  }

  /**
   * Sends a read and decodes its reply on {@code work} (the caller's thread for a blocking form); a Redis failure
   * degrades to {@code absent}.
   */
  private <R, T> CompletionStage<T> readOn(String key, Function<String, CompletionStage<R>> read,
      Function<R, T> decode, R absent, Executor work) {
    String checked = RedisCache.checkedKey(key);
    cache.ensureOpen();
    return read.apply(checked).handleAsync((reply, failure) -> {
      if (failure == null) {
        return decode.apply(reply);
      }
      Throwable error = ServerError.unwrap(failure);
      if (error instanceof RedisUnavailableException down) {
        cache.degrade(down);
        return decode.apply(absent);
      }
      throw error instanceof RuntimeException runtime ? runtime : new CompletionException(error);
    }, work);
  }

  @SuppressWarnings("TypeParameterUnusedInFormals") // T is what type names, as in Codec.decode
  private <T> @Nullable T decodeCounted(String key, String field, @Nullable String raw, Type type) {
    T value = decode(key, field, raw, type);
    (value == null ? cache.misses() : cache.hits()).increment();
    return value;
  }

  private <T> Map<String, T> decodeAll(String key, Map<String, String> fields, Type type) {
    Map<String, T> values = new LinkedHashMap<>();
    fields.forEach((field, raw) -> {
      T value = decode(key, field, raw, type);
      if (value != null) {
        values.put(field, value);
      }
    });
    (values.isEmpty() ? cache.misses() : cache.hits()).increment();
    return values;
  }

  private <R extends Record> @Nullable R toRecord(String key, Map<String, String> fields, Class<R> recordType) {
    if (fields.isEmpty()) {
      cache.misses().increment();
      return null;
    }
    RecordComponent[] components = recordType.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] values = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent component = components[i];
      types[i] = component.getType();
      Object value = decode(key, component.getName(), fields.get(component.getName()), component.getGenericType());
      values[i] = value != null || !types[i].isPrimitive() ? value : Array.get(Array.newInstance(types[i], 1), 0);
    }
    try {
      Constructor<R> canonical = recordType.getDeclaredConstructor(types);
      canonical.trySetAccessible();
      R record = canonical.newInstance(values);
      cache.hits().increment();
      return record;
    } catch (InvocationTargetException rejected) {
      // The record's own checks refused what the hash holds: the hash does not fit the type, like a corrupt entry.
      cache.misses().increment();
      cache.countCorrupt(new CodecException("the hash does not make a valid " + recordType.getName(),
          rejected.getCause()));
      return null;
    } catch (ReflectiveOperationException inaccessible) {
      throw new IllegalArgumentException("recordType " + recordType.getName()
          + " must have a canonical constructor this library may call", inaccessible);
    }
  }

  /** A field's value, or null when it is absent or corrupt (then deleted and counted). */
  @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"}) // T is what type names, as in Codec.decode
  private <T> @Nullable T decode(String key, String field, @Nullable String raw, Type type) {
    if (raw == null) {
      return null;
    }
    if (type == String.class) {
      return (T) raw;
    }
    try {
      return codec.decode(raw.getBytes(StandardCharsets.UTF_8), type);
    } catch (RuntimeException corrupt) {
      cache.countCorrupt(corrupt);
      // Fire and forget: if the delete fails, the next read finds the field corrupt again and retries.
      runtime.send(commands -> commands.hdel(key, field));
      return null;
    }
  }

  // ---- writing ----

  private CompletionStage<Long> write(String key, Map<String, ?> fields, Duration ttl) {
    String checked = RedisCache.checkedKey(key);
    if (RedisCache.required(fields, "fields").isEmpty()) {
      throw new IllegalArgumentException("fields must name at least one field");
    }
    long ttlMillis = RedisCache.ttlMillis(ttl);
    cache.ensureOpen();
    List<String> args = new ArrayList<>(2 + 2 * fields.size());
    List<String> removed = new ArrayList<>();
    args.add(String.valueOf(cache.jittered(ttlMillis)));
    args.add("");
    fields.forEach((field, value) -> {
      RedisCache.required(field, "field");
      if (value == null) {
        removed.add(field);
      } else {
        args.add(field);
        args.add(text(value));
      }
    });
    args.set(1, String.valueOf((args.size() - 2) / 2));
    runtime.checkValueSize("fields written to a hash",
        args.stream().skip(2).mapToLong(text -> text.getBytes(StandardCharsets.UTF_8).length).sum());
    args.addAll(removed);
    return runtime.run(PUT, new String[] {checked}, args.toArray(new String[0]))
        .thenApply(reply -> HashWrite.fromReply(reply).added());
  }

  private String text(Object value) {
    if (value instanceof String string) {
      return string;
    }
    byte[] encoded = codec.encode(value);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(encoded))
          .toString();
    } catch (CharacterCodingException binary) {
      throw new CodecException("the hash cache stores text, but the codec wrote a " + value.getClass().getName()
          + " as bytes that are not UTF-8", binary);
    }
  }

  private static Map<String, @Nullable Object> fieldsOf(Record record) {
    Map<String, @Nullable Object> fields = new LinkedHashMap<>();
    for (RecordComponent component : record.getClass().getRecordComponents()) {
      Method accessor = component.getAccessor();
      accessor.trySetAccessible();
      try {
        fields.put(component.getName(), accessor.invoke(record));
      } catch (InvocationTargetException failed) {
        Throwable cause = failed.getCause();
        throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
      } catch (IllegalAccessException inaccessible) {
        throw new IllegalArgumentException("fields: the accessors of " + record.getClass().getName()
            + " must be callable by this library", inaccessible);
      }
    }
    return fields;
  }

  private static void checkRecord(@Nullable Class<?> recordType) {
    Class<?> checked = RedisCache.required(recordType, "recordType");
    if (!checked.isRecord()) {
      throw new IllegalArgumentException("recordType must be a record class, was " + checked.getName());
    }
  }
}
