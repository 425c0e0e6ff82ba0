package com.cloutsy.redis.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What every encoded id and every key must satisfy, shared by the seeded property tests and the Jazzer fuzz test.
 * The oracles here ({@link #isValidId}, {@link #isValidPrefix}, {@link ComponentDecoder}, {@link RedisSlot}) are
 * written independently of the code under test.
 */
final class KeyInvariants {
  static final String FORBIDDEN_IN_COMPONENT = ":{}*?[]";

  private static final Pattern ENCODED_ALPHABET = Pattern.compile("[A-Za-z0-9._@+%-]+");
  private static final Pattern VALID_PREFIX = Pattern.compile("[A-Za-z0-9._:-]{0,64}");

  private KeyInvariants() {}

  static boolean isValidId(String id) {
    return !id.isEmpty() && id.length() <= 256 && id.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF);
  }

  static boolean isValidPrefix(String prefix) {
    return VALID_PREFIX.matcher(prefix).matches();
  }

  /** Encodes a valid id and asserts the result is safe, decodes back to the id, and is the id itself if safe. */
  static String assertEncodesSafely(String id, Supplier<String> context) {
    String encoded = Keys.encode(id, "id");
    Supplier<String> where = () -> context.get() + ", encoded " + encoded;
    for (char forbidden : FORBIDDEN_IN_COMPONENT.toCharArray()) {
      assertThat(encoded).as(where).doesNotContain(String.valueOf(forbidden));
    }
    assertThat(encoded.chars()).as(where).noneMatch(KeyInvariants::isWhitespaceOrControl);
    assertThat(encoded).as(where).matches(ENCODED_ALPHABET);
    assertThat(ComponentDecoder.decode(encoded)).as(where).isEqualTo(id);
    if (ENCODED_ALPHABET.matcher(id).matches() && id.indexOf('%') < 0) {
      assertThat(encoded).as(where).isSameAs(id);
    }
    return encoded;
  }

  /**
   * Asserts that a key built from valid ids (those beyond the method's arity are ignored) is the method's pattern
   * filled with the encoded ids, is printable ASCII
   * without glob characters, and carries exactly one hash tag in the cluster layout if the method has an owner.
   */
  static String assertKeyShape(KeyMethod method, Keys keys, String[] ids, Supplier<String> context) {
    String key = method.apply(keys, ids);
    String[] encoded = Arrays.stream(ids, 0, method.arity()).map(id -> Keys.encode(id, "id")).toArray(String[]::new);
    Supplier<String> where = () -> context.get() + ", " + method + " key " + key;
    assertThat(key).as(where).isEqualTo(method.expected(keys.layout(), keys.prefix(), encoded));
    assertThat(key.chars()).as(where).allMatch(c -> c > 0x20 && c < 0x7F);
    assertThat(key).as(where).doesNotContain("*", "?", "[", "]");
    boolean tagged = keys.layout() == KeyLayout.CLUSTER && method.owner() != KeyMethod.Owner.NONE;
    assertThat(key.chars().filter(c -> c == '{')).as(where).hasSize(tagged ? 1 : 0);
    assertThat(key.chars().filter(c -> c == '}')).as(where).hasSize(tagged ? 1 : 0);
    return key;
  }

  /**
   * Asserts that in the cluster layout every key of the owner of {@code kind} hashes to the slot of the encoded owner
   * alone, by Lettuce's {@link SlotHash} and by the independent {@link RedisSlot}.
   */
  static void assertOwnerSharesOneSlot(Keys keys, KeyMethod.Owner kind, String owner, String other,
      Supplier<String> context) {
    String encodedOwner = Keys.encode(owner, "owner");
    int expected = RedisSlot.crc16(ascii(encodedOwner), 0, encodedOwner.length()) % RedisSlot.SLOT_COUNT;
    for (KeyMethod method : KeyMethod.values()) {
      if (method.owner() == kind) {
        String key = method.apply(keys, owner, other);
        Supplier<String> where = () -> context.get() + ", " + method + " key " + key;
        assertThat(SlotHash.getSlot(ascii(key))).as(where).isEqualTo(expected);
        assertThat(RedisSlot.of(key)).as(where).isEqualTo(expected);
      }
    }
  }

  /** Escapes everything but printable ASCII, so a failing input can be read and pasted back into a test. */
  static String describe(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
        out.append(c);
      } else {
        out.append(String.format("\\u%04X", (int) c));
      }
    }
    return out.append('"').toString();
  }

  private static boolean isWhitespaceOrControl(int c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c);
  }

  private static byte[] ascii(String key) {
    return key.getBytes(StandardCharsets.US_ASCII);
  }
}
