package com.cloutsy.redis.session;

import java.util.Arrays;

/** Fixed encryption keys for tests; never use such keys anywhere else. */
final class TestKeys {

  static final byte[] FIRST = filled(32, 1);
  static final byte[] SECOND = filled(32, 2);
  static final SessionEncryption ENCRYPTION = SessionEncryption.of("k1", FIRST);

  private TestKeys() {}

  static byte[] filled(int length, int value) {
    byte[] key = new byte[length];
    Arrays.fill(key, (byte) value);
    return key;
  }
}
