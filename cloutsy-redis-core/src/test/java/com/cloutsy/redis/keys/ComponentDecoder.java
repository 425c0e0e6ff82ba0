package com.cloutsy.redis.keys;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * The inverse of {@link Keys#encode}, written independently of it, for round-trip tests. Strict: it accepts only what
 * the encoder may produce (uppercase hex, no escaped safe char, well-formed UTF-8), so a round trip also proves the
 * encoder's output is canonical.
 */
final class ComponentDecoder {
  private static final String SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@+-";
  private static final String HEX = "0123456789ABCDEF";

  private ComponentDecoder() {}

  static String decode(String encoded) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        if (i + 2 >= encoded.length()) {
          throw new IllegalArgumentException("truncated escape at " + i + " in " + encoded);
        }
        int high = HEX.indexOf(encoded.charAt(i + 1));
        int low = HEX.indexOf(encoded.charAt(i + 2));
        if (high < 0 || low < 0) {
          throw new IllegalArgumentException("bad escape at " + i + " in " + encoded);
        }
        int b = high << 4 | low;
        if (b < 0x80 && SAFE.indexOf(b) >= 0) {
          throw new IllegalArgumentException("escaped safe char at " + i + " in " + encoded);
        }
        bytes.write(b);
        i += 2;
      } else if (SAFE.indexOf(c) >= 0) {
        bytes.write(c);
      } else {
        throw new IllegalArgumentException("unescaped char " + (int) c + " at " + i + " in " + encoded);
      }
    }
    try {
      // newDecoder() reports malformed input instead of replacing it.
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not UTF-8: " + encoded, e);
    }
  }
}
