package com.cloutsy.redis.autoconfigure;

import com.cloutsy.redis.codec.Codec;
import com.cloutsy.redis.codec.CodecException;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.springframework.cache.support.NullValue;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

/*
 * Design notes. Spring's Cache hands over values without their type and asks for them back without one (get(key),
 * get(key, valueLoader)), so the JSON must carry the type. Every value is written as if declared Object, with
 * Jackson's default typing for java.lang.Object: the root and anything held in an Object-typed place (the elements
 * of a List, the values of a Map) carry their class name ("@class" in objects, [class, value] around the rest), while
 * fields with a declared type need none. A record of records is thus one type name, a List<User> one per element.
 *
 * Reading a class name from Redis and instantiating it is what deserialization attacks exploit, so only classes of
 * allowed packages are read back: java.util, java.time, java.lang, java.math, the application's own packages and
 * those listed in cloutsy.redis.cache.allowed-packages. A value of another class is refused when it is written, so
 * the mistake shows at once instead of as a cache that never hits.
 */
/** The Spring cache's codec: JSON that carries each value's class, read back only for classes of allowed packages. */
final class TypedJsonCodec implements Codec {

  /** The JDK packages whose values any cache holds: collections, times, boxed numbers, big numbers. */
  static final List<String> JDK_PACKAGES = List.of("java.util.", "java.time.", "java.lang.", "java.math.");

  /** What a cached {@code null} is stored as: a "not found" written by {@code put(key, null)}. */
  private static final byte[] NULL_VALUE = "{\"@cloutsy\":\"null\"}".getBytes(StandardCharsets.UTF_8);

  private final List<String> packages;
  private final ObjectWriter writer;
  private final ObjectReader reader;

  TypedJsonCodec(List<String> allowedPackages) {
    this.packages = allowedPackages.stream().map(name -> name.endsWith(".") ? name : name + ".").distinct().toList();
    BasicPolymorphicTypeValidator.Builder validator = BasicPolymorphicTypeValidator.builder().allowIfSubTypeIsArray();
    packages.forEach(validator::allowIfSubType);
    JsonMapper mapper = JsonMapper.builder()
        .activateDefaultTyping(validator.build(), DefaultTyping.JAVA_LANG_OBJECT, JsonTypeInfo.As.PROPERTY)
        .build();
    this.writer = mapper.writerFor(Object.class);
    this.reader = mapper.readerFor(Object.class);
  }

  @Override
  public byte[] encode(Object value) {
    if (value == NullValue.INSTANCE) {
      return NULL_VALUE.clone();
    }
    Class<?> type = value.getClass();
    Class<?> element = type.isArray() ? type.getComponentType() : type;
    if (!element.isPrimitive() && !isAllowed(element.getName())) {
      throw new CodecException("the Spring cache cannot store a " + type.getName() + ": only classes of "
          + packages + " are read back; add its package to cloutsy.redis.cache.allowed-packages");
    }
    try {
      return writer.writeValueAsBytes(value);
    } catch (JacksonException unwritable) {
      throw new CodecException("cannot write a " + type.getName() + " as JSON", unwritable);
    }
  }

  @Override
  @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"}) // as Codec.decode: T is what type names
  public <T> T decode(byte[] bytes, Type type) {
    if (Arrays.equals(bytes, NULL_VALUE)) {
      return (T) NullValue.INSTANCE;
    }
    try {
      return (T) reader.readValue(bytes);
    } catch (JacksonException unreadable) {
      throw new CodecException("stored bytes are not typed JSON of an allowed class", unreadable);
    }
  }

  private boolean isAllowed(String className) {
    return packages.stream().anyMatch(className::startsWith);
  }

  @Override
  public String toString() {
    return "TypedJsonCodec" + packages;
  }
}
