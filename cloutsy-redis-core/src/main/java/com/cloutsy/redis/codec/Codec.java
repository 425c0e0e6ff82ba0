package com.cloutsy.redis.codec;

import java.lang.reflect.Type;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns values into the bytes stored in Redis and back: the cache's values and the event bus's messages.
 * Implementations must be thread-safe; {@link #json()} is the default.
 */
public interface Codec {

  /**
   * The bytes for {@code value}.
   *
   * @throws CodecException if the value cannot be written
   */
  byte[] encode(Object value);

  /**
   * The value the bytes hold, as {@code type} (a {@code Class} or the {@code getType()} of a Jackson
   * {@code TypeReference}).
   *
   * @throws CodecException if the bytes do not hold a value of that type
   */
  // A Type cannot carry T (a TypeReference's getType() does not): the caller names T by the type it passes.
  @SuppressWarnings("TypeParameterUnusedInFormals")
  <T> T decode(byte[] bytes, Type type);

  /** JSON with a default Jackson mapper (java.time values as ISO-8601 text). */
  static Codec json() {
    return JsonCodec.DEFAULT;
  }

  /** JSON with the application's own Jackson mapper, for its modules and naming strategy. */
  static Codec json(JsonMapper mapper) {
    return new JsonCodec(mapper);
  }
}
