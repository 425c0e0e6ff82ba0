package com.cloutsy.redis.script;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link LuaScript} answered, read by position: integers, texts and nested lists of a Lua table, or a single
 * value. Each flow turns it into its result type in one place ({@code fromReply}) beside that type. A reply that does
 * not have the shape its script's header promises throws {@link MalformedReplyException} naming the script, the
 * position and what was there, so a script change that breaks its reply is found at once, not as a
 * {@code ClassCastException} somewhere else.
 *
 * <p>Immutable; the values are Lettuce's decoding of the RESP reply ({@code Long}, {@code String} or
 * {@code byte[]}, {@code List}, {@code null} for a nil).
 */
public final class Reply {

  private final String script;
  private final List<@Nullable Object> values;

  private Reply(String script, List<@Nullable Object> values) {
    this.script = script;
    this.values = values;
  }

  /**
   * The reply of {@code script}: a Lua table as a list, any other value as a list of that one value.
   *
   * @param script the script's name, for messages
   * @param raw what Lettuce decoded with {@code ScriptOutputType.MULTI}
   */
  @SuppressWarnings("unchecked")
  public static Reply of(String script, @Nullable Object raw) {
    Objects.requireNonNull(script, "script must not be null");
    List<@Nullable Object> values = raw instanceof List<?> list ? (List<@Nullable Object>) list
        : Collections.singletonList(raw);
    return new Reply(script, values);
  }

  /** The script this reply came from. */
  public String script() {
    return script;
  }

  /** How many values the reply has. */
  public int size() {
    return values.size();
  }

  /**
   * The integer at {@code index}.
   *
   * @throws MalformedReplyException if there is none, or it is not an integer
   */
  public long integer(int index) {
    Object value = value(index);
    if (value instanceof Long number) {
      return number;
    }
    throw malformed(index, "an integer", value);
  }

  /** The integer at {@code index}, narrowed to an {@code int}; {@link #integer} otherwise. */
  public int smallInteger(int index) {
    long value = integer(index);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw malformed(index, "an integer of 32 bits", value);
    }
    return (int) value;
  }

  /**
   * The text at {@code index}, or null for a nil.
   *
   * @throws MalformedReplyException if there is no value there, or it is not text or nil
   */
  public @Nullable String text(int index) {
    Object value = value(index);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    throw malformed(index, "text", value);
  }

  /**
   * The nested table at {@code index}, as a reply of the same script.
   *
   * @throws MalformedReplyException if there is none, or it is not a table
   */
  public Reply list(int index) {
    Object value = value(index);
    if (value instanceof List<?>) {
      return of(script, value);
    }
    throw malformed(index, "a table", value);
  }

  private @Nullable Object value(int index) {
    if (index < 0 || index >= values.size()) {
      throw new MalformedReplyException(script + " replied " + values.size() + " values, expected one at position "
          + (index + 1));
    }
    return values.get(index);
  }

  private MalformedReplyException malformed(int index, String expected, @Nullable Object value) {
    return new MalformedReplyException(script + " replied " + describe(value) + " at position " + (index + 1)
        + ", expected " + expected);
  }

  private static String describe(@Nullable Object value) {
    if (value == null) {
      return "nil";
    }
    if (value instanceof List<?> list) {
      return "a table of " + list.size();
    }
    return value instanceof Long ? "an integer" : "a " + value.getClass().getSimpleName();
  }

  /** Shows the script and the shape, never the values: a reply may carry session data. */
  @Override
  public String toString() {
    return "Reply[" + script + ", " + values.size() + " values]";
  }
}
