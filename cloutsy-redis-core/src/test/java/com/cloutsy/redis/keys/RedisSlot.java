package com.cloutsy.redis.keys;

import java.nio.charset.StandardCharsets;

/**
 * Redis Cluster's key-to-slot function, written from the cluster specification and independently of Lettuce's
 * {@code SlotHash}: CRC16-XMODEM (polynomial 0x1021, initial value 0) of the hash tag, or of the whole key when there
 * is no non-empty tag, modulo 16384. The tag is what lies between the first <code>{</code> and the first
 * <code>}</code> after it.
 */
final class RedisSlot {
  static final int SLOT_COUNT = 16384;

  private RedisSlot() {}

  static int of(String key) {
    return of(key.getBytes(StandardCharsets.UTF_8));
  }

  static int of(byte[] key) {
    int open = indexOf(key, (byte) '{', 0);
    if (open >= 0) {
      int close = indexOf(key, (byte) '}', open + 1);
      if (close > open + 1) {
        return crc16(key, open + 1, close) % SLOT_COUNT;
      }
    }
    return crc16(key, 0, key.length) % SLOT_COUNT;
  }

  /** Bit by bit, no table, so it shares nothing with the implementation under comparison. */
  static int crc16(byte[] bytes, int from, int to) {
    int crc = 0;
    for (int i = from; i < to; i++) {
      crc ^= (bytes[i] & 0xFF) << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      crc &= 0xFFFF;
    }
    return crc;
  }

  private static int indexOf(byte[] bytes, byte wanted, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }
}
