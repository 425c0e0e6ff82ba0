package com.cloutsy.redis.autoconfigure.web;

/** The JSON body of an error answer, {@code {"error":"<code>","message":"<text>"}}, written without a JSON library. */
final class JsonError {

  private JsonError() {}

  static String of(String error, String message) {
    return "{\"error\":" + quote(error) + ",\"message\":" + quote(message) + "}";
  }

  private static String quote(String text) {
    StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}
