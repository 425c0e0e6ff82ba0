package com.cloutsy.redis.cache;

import com.cloutsy.redis.codec.CodecException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * The bytes a cache entry is stored as. A format byte comes first, so entries written in today's formats stay
 * readable when a new one is added:
 *
 * <pre>
 * offset  size  content
 * 0       1     format: 0 value, 1 compressed value, 2 "not found"
 * 1       4     how long the loader took, in microseconds (big-endian int): early refresh's delta
 * 5       8     when the entry expires, epoch milliseconds by the writer's clock (big-endian long)
 * 13      ...   format 0: the codec's bytes; format 1: their length (4 bytes), then their zlib stream;
 *               format 2: nothing
 * </pre>
 *
 * <p>A first byte of 0x20 or more cannot start this layout. Such bytes are taken as the codec's bytes without a
 * header, which is how the seed service stores its JSON (JSON text never starts with a control byte): its entries
 * read as values, without early refresh. Any other first byte, a short header, trailing bytes, or a compressed
 * stream that does not inflate to exactly its recorded length is corrupt.
 */
final class Envelope {

  static final byte VALUE = 0;
  static final byte COMPRESSED = 1;
  static final byte NOT_FOUND = 2;
  static final int HEADER_LENGTH = 13;

  /** Deflate expands at most about 1032:1, so a larger recorded length is corrupt whatever the stream holds. */
  private static final long MAX_DEFLATE_RATIO = 1032;
  private static final int FIRST_TEXT_BYTE = 0x20;

  private Envelope() {}

  /**
   * An entry read back.
   *
   * @param payload the codec's bytes, or null for a cached "not found"
   * @param loadMicros how long the loader took when the entry was written; 0 when unknown
   * @param expiresAtMillis when the writer expected the entry to expire; {@link Long#MAX_VALUE} when unknown
   */
  // Read once and handed to the codec, never compared or hashed: the array's identity equals does not matter.
  @SuppressWarnings("ArrayRecordComponent")
  record Stored(byte @Nullable [] payload, int loadMicros, long expiresAtMillis) {}

  /** Wraps the codec's bytes, compressed when they are longer than {@code threshold} and compressing pays. */
  static byte[] value(byte[] encoded, int threshold, int loadMicros, long expiresAtMillis) {
    if (encoded.length > threshold) {
      byte[] compressed = compress(encoded, loadMicros, expiresAtMillis);
      if (compressed != null) {
        return compressed;
      }
    }
    byte[] out = new byte[HEADER_LENGTH + encoded.length];
    header(out, VALUE, loadMicros, expiresAtMillis);
    System.arraycopy(encoded, 0, out, HEADER_LENGTH, encoded.length);
    return out;
  }

  /** The entry for a cached "not found". */
  static byte[] notFound(int loadMicros, long expiresAtMillis) {
    byte[] out = new byte[HEADER_LENGTH];
    header(out, NOT_FOUND, loadMicros, expiresAtMillis);
    return out;
  }

  /**
   * Reads an entry.
   *
   * @throws CodecException if the bytes are corrupt; the message says how, never what they hold
   */
  static Stored read(byte[] bytes) {
    if (bytes.length == 0) {
      throw new CodecException("stored entry is empty");
    }
    int format = bytes[0] & 0xFF;
    if (format >= FIRST_TEXT_BYTE) {
      return new Stored(bytes, 0, Long.MAX_VALUE);
    }
    if (bytes.length < HEADER_LENGTH) {
      throw new CodecException("stored entry has " + bytes.length + " bytes, fewer than its header");
    }
    ByteBuffer header = ByteBuffer.wrap(bytes, 1, HEADER_LENGTH - 1);
    int loadMicros = header.getInt();
    long expiresAtMillis = header.getLong();
    return switch (format) {
      case VALUE -> new Stored(Arrays.copyOfRange(bytes, HEADER_LENGTH, bytes.length), loadMicros, expiresAtMillis);
      case COMPRESSED -> new Stored(inflate(bytes), loadMicros, expiresAtMillis);
      case NOT_FOUND -> {
        if (bytes.length != HEADER_LENGTH) {
          throw new CodecException("stored \"not found\" entry has " + (bytes.length - HEADER_LENGTH)
              + " trailing bytes");
        }
        yield new Stored(null, loadMicros, expiresAtMillis);
      }
      default -> throw new CodecException("stored entry has unknown format " + format);
    };
  }

  private static void header(byte[] out, byte format, int loadMicros, long expiresAtMillis) {
    ByteBuffer.wrap(out).put(format).putInt(loadMicros).putLong(expiresAtMillis);
  }

  /** The compressed entry, or null when deflate does not make the value smaller. */
  private static byte @Nullable [] compress(byte[] encoded, int loadMicros, long expiresAtMillis) {
    int start = HEADER_LENGTH + 4;
    // No larger than the plain entry: if deflate needs more room than that, storing it plain is better.
    byte[] out = new byte[HEADER_LENGTH + encoded.length];
    Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    try {
      deflater.setInput(encoded);
      deflater.finish();
      int length = start;
      while (!deflater.finished() && length < out.length) {
        length += deflater.deflate(out, length, out.length - length);
      }
      if (!deflater.finished()) {
        return null;
      }
      header(out, COMPRESSED, loadMicros, expiresAtMillis);
      ByteBuffer.wrap(out, HEADER_LENGTH, 4).putInt(encoded.length);
      return Arrays.copyOf(out, length);
    } finally {
      deflater.end();
    }
  }

  private static byte[] inflate(byte[] bytes) {
    int start = HEADER_LENGTH + 4;
    if (bytes.length <= start) {
      throw new CodecException("stored compressed entry has no data");
    }
    int length = ByteBuffer.wrap(bytes, HEADER_LENGTH, 4).getInt();
    int compressed = bytes.length - start;
    if (length < 0 || length > compressed * MAX_DEFLATE_RATIO) {
      throw new CodecException("stored compressed entry records an impossible length " + length);
    }
    byte[] out = new byte[length];
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(bytes, start, compressed);
      int filled = 0;
      while (filled < length) {
        int inflated = inflater.inflate(out, filled, length - filled);
        if (inflated == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
        filled += inflated;
      }
      if (filled == length && !inflater.finished()) {
        // The stream ends with a checksum that inflate reads only when asked for more: ask, expecting nothing.
        filled += inflater.inflate(new byte[1]);
      }
      if (filled != length || !inflater.finished() || inflater.getRemaining() != 0) {
        throw new CodecException("stored compressed entry does not inflate to its recorded length " + length);
      }
      return out;
    } catch (DataFormatException broken) {
      throw new CodecException("stored compressed entry is not a valid zlib stream", broken);
    } finally {
      inflater.end();
    }
  }
}
