package com.cloutsy.redis.config;

import java.util.regex.Pattern;

/** Hides the password of a {@code scheme://user:password@host} address before it is printed anywhere. */
final class Redaction {

  private static final Pattern USER_INFO = Pattern.compile("(://)([^@/]*)@");

  private Redaction() {}

  /** The address with any user information replaced by {@code ****}; safe for messages and logs. */
  static String uri(String uri) {
    return USER_INFO.matcher(uri).replaceFirst("$1****@");
  }
}
