package com.cloutsy.redis.codec;

import java.lang.reflect.Type;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** {@link Codec} for JSON through one shared Jackson mapper, built once: building one per call is costly. */
final class JsonCodec implements Codec {

  static final JsonCodec DEFAULT = new JsonCodec(JsonMapper.builder().build());

  private final JsonMapper mapper;

  JsonCodec(JsonMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public byte[] encode(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JacksonException unwritable) {
      throw new CodecException("cannot write a " + value.getClass().getName() + " as JSON", unwritable);
    }
  }

  @Override
  @SuppressWarnings("TypeParameterUnusedInFormals") // as Codec.decode: T is what type names
  public <T> T decode(byte[] bytes, Type type) {
    try {
      return mapper.readValue(bytes, mapper.getTypeFactory().constructType(type));
    } catch (JacksonException | NumberFormatException unreadable) {
      // Jackson reports a number beyond its limits (such as 1e2222…) as a NumberFormatException.
      throw new CodecException("stored bytes are not JSON of " + type.getTypeName(), unreadable);
    }
  }

  @Override
  public String toString() {
    return "Codec.json()";
  }
}
