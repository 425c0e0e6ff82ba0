package com.cloutsy.redis.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * Seeded randomized tests of the encoding and key invariants. Each run draws a new seed, which every failure message
 * quotes; rerun a failure with {@code -Dcloutsy.keys.seed=<seed>}.
 */
class KeysPropertyTest {
  private static final String SEED_PROPERTY = "cloutsy.keys.seed";
  private static final long SEED = seed();
  private static final int RANDOM_IDS = 100_000;
  private static final int OWNERS = 2_000;

  private static final String SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@+-";
  private static final String PREFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-";

  static final List<String> EDGE_CASES = List.of(
      "a", "0", "-", ".", "..", "@", "+", "_",
      "%", "%25", "%%", "%2", "%2525", "%7B", "%zz",
      ":", "::", "a:b", ":a", "a:",
      "{}", "{", "}", "{a}", "}{", "{{a}}", "a{b}c", "{42}:x",
      "*", "?", "[", "]", "*?[]", "[a-z]*", "\\",
      " ", "  ", "a b", " a", "\t", "\n", "\r\n", "\u000B", "\f",
      "\u0000", "\u0000a", "a\u0000", "\u0001", "\u001F", "\u007F", "\u0080", "\u0085", "\u009F",
      "\u00A0", "\u1680", "\u2000", "\u2028", "\u2029", "\u3000", "\uFEFF", "\uFFFD", "\uFFFE", "\uFFFF",
      "\u00E9", "e\u0301", "\u0301", "a\u0308\u0323", "\u1100\u1161\u11A8",
      "\u05E9\u05DC\u05D5\u05DD", "\u0627\u0644\u0633\u0644\u0627\u0645", "\u202E", "abc\u202Edef", "\u200F\u200E",
      "\u200B", "\u200D", "\uD83D\uDE00",
      "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67", "\uD83C\uDDE9\uD83C\uDDEA",
      "\uD800\uDC00", "\uDBFF\uDFFF", "\uD83D\uDE00:{x}",
      "42", "+15551234567", "+1 (555) 123-4567", "alice@example.com", "Alice@Example.COM",
      "550e8400-e29b-41d4-a716-446655440000", "/api/v1/users/{id}", "GET /feed?limit=10&cursor=*",
      "a".repeat(255), "a".repeat(256), "%".repeat(256), ":".repeat(256), "\u00E9".repeat(256),
      "\uFFFF".repeat(256), "\u0000".repeat(256), "\uD83D\uDE00".repeat(128), "x" + "\uD83D\uDE00".repeat(127) + "y",
      "a".repeat(255) + "\u00E9");

  @Test
  void edgeCasesEncodeInjectivelyAndSafely(TestReporter reporter) {
    Map<String, String> idByEncoding = new HashMap<>();
    for (String id : EDGE_CASES) {
      String encoded = KeyInvariants.assertEncodesSafely(id, context(id));
      assertThat(idByEncoding.putIfAbsent(encoded, id)).as(context(id)).isIn(null, id);
    }
    reporter.publishEntry("edge cases", String.valueOf(EDGE_CASES.size()));
  }

  @Test
  void randomUnicodeIdsEncodeInjectivelyAndSafely(TestReporter reporter) {
    Random random = random(reporter);
    Map<String, String> idByEncoding = new HashMap<>();
    for (int n = 0; n < RANDOM_IDS; n++) {
      String id = randomId(random);
      String encoded = KeyInvariants.assertEncodesSafely(id, context(id));
      String earlier = idByEncoding.putIfAbsent(encoded, id);
      if (earlier != null) {
        assertThat(earlier).as(context(id)).isEqualTo(id);
      }
    }
    assertThat(idByEncoding).as("distinct random ids, seed %d", SEED).hasSizeGreaterThan(RANDOM_IDS / 2);
  }

  @Test
  void everyKeyIsItsPatternFilledWithTheEncodedIds(TestReporter reporter) {
    Random random = random(reporter);
    for (int n = 0; n < RANDOM_IDS / 10; n++) {
      String first = n < EDGE_CASES.size() ? EDGE_CASES.get(n) : randomId(random);
      String second = randomId(random);
      Keys keys = Keys.of(random.nextBoolean() ? KeyLayout.SEED : KeyLayout.CLUSTER, randomPrefix(random));
      for (KeyMethod method : KeyMethod.values()) {
        KeyInvariants.assertKeyShape(method, keys, new String[] {first, second}, context(keys, first, second));
      }
    }
  }

  @Test
  void keysOfDistinctIdsNeverCollideAcrossMethods(TestReporter reporter) {
    Random random = random(reporter);
    // A tiny alphabet of separators and escapes makes naive concatenation collide often: ("a:", "b") vs ("a", ":b").
    String alphabet = ":%{}a2";
    for (KeyLayout layout : KeyLayout.values()) {
      Keys keys = Keys.of(layout, "p:");
      Map<String, String> callByKey = new HashMap<>();
      for (int n = 0; n < RANDOM_IDS / 4; n++) {
        String first = randomFrom(random, alphabet, 1 + random.nextInt(4));
        String second = randomFrom(random, alphabet, 1 + random.nextInt(4));
        for (KeyMethod method : KeyMethod.values()) {
          String call = method + (method.arity() == 1 ? List.of(first) : List.of(first, second)).toString();
          String key = method.apply(keys, first, second);
          String earlier = callByKey.putIfAbsent(key, call);
          if (earlier != null) {
            assertThat(earlier).as(() -> context(keys, first, second).get() + ", key " + key).isEqualTo(call);
          }
        }
      }
    }
  }

  @Test
  void clusterKeysOfOneUserShareTheSlotOfTheUserIdAlone(TestReporter reporter) {
    Random random = random(reporter);
    for (int n = 0; n < OWNERS; n++) {
      String userId = n < EDGE_CASES.size() ? EDGE_CASES.get(n) : randomId(random);
      Keys keys = Keys.of(KeyLayout.CLUSTER, randomPrefix(random));
      for (int session = 0; session < 25; session++) {
        String jtiOrEndpoint = randomId(random);
        KeyInvariants.assertOwnerSharesOneSlot(keys, KeyMethod.Owner.USER, userId, jtiOrEndpoint,
            context(keys, userId, jtiOrEndpoint));
      }
    }
  }

  @Test
  void clusterOtpAndLoginKeysShareTheSlotOfTheirOwnerAlone(TestReporter reporter) {
    Random random = random(reporter);
    for (int n = 0; n < OWNERS; n++) {
      String owner = n < EDGE_CASES.size() ? EDGE_CASES.get(n)
          : random.nextBoolean() ? "+" + randomFrom(random, "0123456789", 6 + random.nextInt(10)) : randomId(random);
      Keys keys = Keys.of(KeyLayout.CLUSTER, randomPrefix(random));
      KeyInvariants.assertOwnerSharesOneSlot(keys, KeyMethod.Owner.PHONE, owner, "unused", context(keys, owner, ""));
      KeyInvariants.assertOwnerSharesOneSlot(keys, KeyMethod.Owner.LOGIN, owner, "unused", context(keys, owner, ""));
    }
  }

  @Test
  void independentCrc16MatchesTheClusterSpecCheckValue() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);

    assertThat(RedisSlot.crc16(check, 0, check.length)).isEqualTo(0x31C3);
  }

  @Test
  void independentSlotFunctionAppliesTheHashTagRuleLikeTheSpec() {
    // The examples of the Redis Cluster specification, "Hash tags".
    assertThat(RedisSlot.of("{user1000}.following")).isEqualTo(RedisSlot.of("user1000"));
    assertThat(RedisSlot.of("foo{}{bar}")).isEqualTo(crc16Slot("foo{}{bar}"));
    assertThat(RedisSlot.of("foo{{bar}}zap")).isEqualTo(crc16Slot("{bar"));
    assertThat(RedisSlot.of("foo{bar}{zap}")).isEqualTo(crc16Slot("bar"));
    assertThat(RedisSlot.of("{a")).isEqualTo(crc16Slot("{a"));
    assertThat(RedisSlot.of("a}{b}")).isEqualTo(crc16Slot("b"));
  }

  @Test
  void independentSlotFunctionAgreesWithLettuceSlotHash(TestReporter reporter) {
    Random random = random(reporter);
    String alphabet = "{}{}ab:\u00E9\uD83D\uDE00";
    for (int n = 0; n < RANDOM_IDS; n++) {
      byte[] key;
      if (n % 2 == 0) {
        key = new byte[random.nextInt(24)];
        random.nextBytes(key);
        for (int i = 0; i < key.length; i++) {
          // Many braces, so tags of every shape occur: empty, nested, unclosed, reversed.
          if (random.nextInt(4) == 0) {
            key[i] = (byte) (random.nextBoolean() ? '{' : '}');
          }
        }
      } else {
        key = randomFrom(random, alphabet, random.nextInt(16)).getBytes(StandardCharsets.UTF_8);
      }
      byte[] tested = key;
      assertThat(RedisSlot.of(key))
          .as(() -> "seed " + SEED + ", key bytes " + Arrays.toString(tested))
          .isEqualTo(SlotHash.getSlot(key));
    }
  }

  private static int crc16Slot(String bytes) {
    byte[] ascii = bytes.getBytes(StandardCharsets.US_ASCII);
    return RedisSlot.crc16(ascii, 0, ascii.length) % RedisSlot.SLOT_COUNT;
  }

  private static long seed() {
    String value = System.getProperty(SEED_PROPERTY);
    return value == null ? new SecureRandom().nextLong() : Long.parseLong(value);
  }

  private static Random random(TestReporter reporter) {
    reporter.publishEntry(SEED_PROPERTY, String.valueOf(SEED));
    System.out.println("KeysPropertyTest seed " + SEED + " (rerun with -D" + SEED_PROPERTY + "=" + SEED + ")");
    return new Random(SEED);
  }

  private static Supplier<String> context(String id) {
    return () -> "seed " + SEED + " (rerun with -D" + SEED_PROPERTY + "=" + SEED + "), id "
        + KeyInvariants.describe(id);
  }

  private static Supplier<String> context(Keys keys, String first, String second) {
    return () -> "seed " + SEED + " (rerun with -D" + SEED_PROPERTY + "=" + SEED + "), " + keys + ", ids "
        + KeyInvariants.describe(first) + ", " + KeyInvariants.describe(second);
  }

  /**
   * A valid id of 1 to 256 chars: mostly short, sometimes near the limit; a fifth only safe chars (the fast path),
   * the rest mixing safe and hostile ASCII, BMP and supplementary code points from every plane, never a surrogate.
   */
  static String randomId(Random random) {
    int length = random.nextInt(10) == 0 ? 200 + random.nextInt(57) : 1 + random.nextInt(24);
    if (random.nextInt(5) == 0) {
      return randomFrom(random, SAFE, length);
    }
    StringBuilder id = new StringBuilder(length);
    while (id.length() < length) {
      int codePoint = randomCodePoint(random);
      if (id.length() + Character.charCount(codePoint) > length) {
        break;
      }
      id.appendCodePoint(codePoint);
    }
    return id.length() == 0 ? "x" : id.toString();
  }

  private static int randomCodePoint(Random random) {
    switch (random.nextInt(4)) {
      case 0:
        return SAFE.charAt(random.nextInt(SAFE.length()));
      case 1:
        return random.nextInt(0x80);
      case 2:
        return skipSurrogates(random.nextInt(0x10000 - 0x800));
      default:
        return skipSurrogates(random.nextInt(Character.MAX_CODE_POINT + 1 - 0x800));
    }
  }

  private static int skipSurrogates(int codePoint) {
    return codePoint < Character.MIN_SURROGATE ? codePoint : codePoint + 0x800;
  }

  private static String randomPrefix(Random random) {
    return random.nextInt(3) == 0 ? "" : randomFrom(random, PREFIX_CHARS, random.nextInt(Keys.MAX_PREFIX_LENGTH + 1));
  }

  /** Random chars of {@code alphabet}; a surrogate pair in it is kept whole so the result stays valid. */
  private static String randomFrom(Random random, String alphabet, int length) {
    int[] codePoints = alphabet.codePoints().toArray();
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
    }
    return out.toString();
  }

}
