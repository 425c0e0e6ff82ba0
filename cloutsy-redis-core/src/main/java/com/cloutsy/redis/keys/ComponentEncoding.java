package com.cloutsy.redis.keys;

import java.util.Objects;

/*
 * Design notes. One id becomes one key component. The encoding is injective by construction: the output alphabet
 * is the safe set plus '%', '%' itself is never safe, and every other UTF-8 byte becomes exactly "%XX" (uppercase),
 * so an output splits back uniquely into safe characters and escaped bytes, and UTF-8 is injective on well-formed
 * strings. That is why unpaired surrogates are rejected instead of encoded: String.getBytes(UTF_8) would turn each
 * of them into '?', and "a\uD800" and "a?" would share a key. The input is validated while it is encoded, so there
 * is one pass over it, not two.
 *
 * Hot path: ids are nearly always safe already (numeric user ids, UUID jtis, E.164 phones, e-mail addresses), so one
 * scan with a bit-mask test per char decides, and the input string itself is returned without allocating.
 */
final class ComponentEncoding {
  static final int MAX_LENGTH = 256;

  private static final String SAFE_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@+-";
  private static final long SAFE_BELOW_64 = safeMask(0);
  private static final long SAFE_64_TO_127 = safeMask(64);
  private static final char[] HEX_DIGITS = "0123456789ABCDEF".toCharArray();

  private ComponentEncoding() {}

  static String encode(String component, String name) {
    Objects.requireNonNull(component, () -> name + " must not be null");
    int length = component.length();
    if (length == 0) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    if (length > MAX_LENGTH) {
      throw new IllegalArgumentException(
          name + " must be at most " + MAX_LENGTH + " characters, was " + length);
    }
    for (int i = 0; i < length; i++) {
      if (!isSafe(component.charAt(i))) {
        return escapeFrom(component, i, name);
      }
    }
    return component;
  }

  static boolean isSafe(char c) {
    if (c < 64) {
      return ((SAFE_BELOW_64 >>> c) & 1L) != 0;
    }
    return c < 128 && ((SAFE_64_TO_127 >>> (c - 64)) & 1L) != 0;
  }

  private static String escapeFrom(String component, int start, String name) {
    int length = component.length();
    // Sized for the worst case, a BMP char of three UTF-8 bytes ("%XX%XX%XX"), so the buffer never grows.
    StringBuilder out = new StringBuilder(start + 9 * (length - start));
    out.append(component, 0, start);
    int i = start;
    while (i < length) {
      char c = component.charAt(i);
      if (isSafe(c)) {
        out.append(c);
      } else if (c < 0x80) {
        appendEscaped(out, c);
      } else if (c < 0x800) {
        appendEscaped(out, 0xC0 | (c >>> 6));
        appendEscaped(out, 0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 == length || !Character.isLowSurrogate(component.charAt(i + 1))) {
          throw unpairedSurrogate(name, i);
        }
        int codePoint = Character.toCodePoint(c, component.charAt(++i));
        appendEscaped(out, 0xF0 | (codePoint >>> 18));
        appendEscaped(out, 0x80 | ((codePoint >>> 12) & 0x3F));
        appendEscaped(out, 0x80 | ((codePoint >>> 6) & 0x3F));
        appendEscaped(out, 0x80 | (codePoint & 0x3F));
      } else if (Character.isLowSurrogate(c)) {
        throw unpairedSurrogate(name, i);
      } else {
        appendEscaped(out, 0xE0 | (c >>> 12));
        appendEscaped(out, 0x80 | ((c >>> 6) & 0x3F));
        appendEscaped(out, 0x80 | (c & 0x3F));
      }
      i++;
    }
    return out.toString();
  }

  private static void appendEscaped(StringBuilder out, int utf8Byte) {
    out.append('%').append(HEX_DIGITS[utf8Byte >>> 4]).append(HEX_DIGITS[utf8Byte & 0xF]);
  }

  private static IllegalArgumentException unpairedSurrogate(String name, int index) {
    return new IllegalArgumentException(
        name + " must be valid Unicode, found an unpaired surrogate at index " + index);
  }

  private static long safeMask(int from) {
    long mask = 0;
    for (int i = 0; i < SAFE_CHARS.length(); i++) {
      int bit = SAFE_CHARS.charAt(i) - from;
      if (bit >= 0 && bit < 64) {
        mask |= 1L << bit;
      }
    }
    return mask;
  }
}
