package com.cloutsy.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random user names and passwords made of the characters that break naive URL parsing, and their percent-encoded
 * forms. A password is 8 to 24 characters with at least two of {@link #SPECIAL}, so it never occurs by chance in the
 * rest of a message; written raw it has no {@code %} followed by two hex digits, which would be read as an escape.
 */
final class UrlSecrets {

  /** The characters of a URL's syntax, and characters outside ASCII (two of them outside the BMP). */
  static final String[] SPECIAL = {"/", "@", ":", "%", "?", "#", "+", " ", "\u00E9", "\u4E2D", "\uD83D\uDE00",
      "\uD83C\uDDE9\uD83C\uDDEA", "\u00DF", "&", "=", "[", "]", ",", ";", "!"};
  private static final String PLAIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

  private UrlSecrets() {}

  /** A password that can be written raw or encoded. */
  static String password(Random random) {
    while (true) {
      String password = text(random, 8 + random.nextInt(17), true);
      if (!hasEscape(password)) {
        return password;
      }
    }
  }

  /**
   * A user name of 1 to 12 characters, some of them special; {@code colon} says whether it may contain a
   * {@code :}, which a raw user cannot (the user ends at the first one).
   */
  static String user(Random random, boolean colon) {
    while (true) {
      String user = text(random, 1 + random.nextInt(12), false);
      if (!hasEscape(user) && (colon || user.indexOf(':') < 0) && user.indexOf(' ') < 0) {
        return user;
      }
    }
  }

  /** Percent-encodes every UTF-8 byte outside the unreserved characters of RFC 3986. */
  static String encode(String text) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if (c < 0x80 && PLAIN.indexOf(c) >= 0) {
        encoded.append(c);
      } else {
        encoded.append('%').append(String.format("%02X", b & 0xFF));
      }
    }
    return encoded.toString();
  }

  private static String text(Random random, int length, boolean twoSpecial) {
    // Whole characters, so that an insertion never splits a surrogate pair.
    List<String> characters = new ArrayList<>();
    int specials = 0;
    for (int i = 0; i < length; i++) {
      if (random.nextInt(3) == 0) {
        characters.add(SPECIAL[random.nextInt(SPECIAL.length)]);
        specials++;
      } else {
        characters.add(String.valueOf(PLAIN.charAt(random.nextInt(PLAIN.length()))));
      }
    }
    for (; twoSpecial && specials < 2; specials++) {
      characters.add(random.nextInt(characters.size() + 1), SPECIAL[random.nextInt(SPECIAL.length)]);
    }
    return String.join("", characters);
  }

  private static boolean hasEscape(String text) {
    for (int i = text.indexOf('%'); i >= 0 && i + 2 < text.length(); i = text.indexOf('%', i + 1)) {
      if (Character.digit(text.charAt(i + 1), 16) >= 0 && Character.digit(text.charAt(i + 2), 16) >= 0) {
        return true;
      }
    }
    return false;
  }
}
