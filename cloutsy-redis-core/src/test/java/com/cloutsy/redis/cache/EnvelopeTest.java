package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloutsy.redis.codec.CodecException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EnvelopeTest {

  private static final long EXPIRES = 1_800_000_000_000L;

  @Test
  void aSmallValueIsStoredPlainBehindAHeaderWithItsLoadTimeAndExpiry() {
    byte[] json = utf8("{\"name\":\"tech\"}");

    byte[] stored = Envelope.value(json, 1024, 2_500, EXPIRES);

    assertThat(stored[0]).isEqualTo(Envelope.VALUE);
    assertThat(stored).hasSize(Envelope.HEADER_LENGTH + json.length);
    Envelope.Stored read = Envelope.read(stored);
    assertThat(read.payload()).isEqualTo(json);
    assertThat(read.loadMicros()).isEqualTo(2_500);
    assertThat(read.expiresAtMillis()).isEqualTo(EXPIRES);
  }

  @Test
  void aValueAboveTheThresholdIsStoredCompressedAndReadBackWhole() {
    byte[] json = utf8("[" + "{\"name\":\"tech\",\"active\":true},".repeat(200) + "{}]");

    byte[] stored = Envelope.value(json, 1024, 7, EXPIRES);

    assertThat(stored[0]).isEqualTo(Envelope.COMPRESSED);
    assertThat(stored.length).isLessThan(json.length / 10);
    assertThat(Envelope.read(stored).payload()).isEqualTo(json);
  }

  @Test
  void aValueThatDeflateCannotShrinkIsStoredPlain() {
    byte[] noise = new byte[4096];
    new Random(42).nextBytes(noise);

    byte[] stored = Envelope.value(noise, 1024, 0, EXPIRES);

    assertThat(stored[0]).isEqualTo(Envelope.VALUE);
    assertThat(Envelope.read(stored).payload()).isEqualTo(noise);
  }

  @Test
  void notFoundHasNoPayload() {
    Envelope.Stored read = Envelope.read(Envelope.notFound(12, EXPIRES));

    assertThat(read.payload()).isNull();
    assertThat(read.expiresAtMillis()).isEqualTo(EXPIRES);
  }

  @Test
  void anEmptyValueIsAValue() {
    Envelope.Stored read = Envelope.read(Envelope.value(utf8("\"\""), 0, 0, EXPIRES));

    assertThat(read.payload()).isEqualTo(utf8("\"\""));
  }

  @Test
  void jsonWrittenWithoutAHeaderBySeedServiceReadsAsAValueWithoutExpiry() {
    byte[] seedJson = utf8("[{\"id\":1,\"name\":\"tech\"}]");

    Envelope.Stored read = Envelope.read(seedJson);

    assertThat(read.payload()).isEqualTo(seedJson);
    assertThat(read.expiresAtMillis()).isEqualTo(Long.MAX_VALUE);
    assertThat(read.loadMicros()).isZero();
  }

  static Stream<Arguments> corruptEntries() {
    byte[] compressed = Envelope.value(utf8("x".repeat(5000)), 10, 0, EXPIRES);
    byte[] flipped = compressed.clone();
    flipped[flipped.length - 3] ^= 0x55;
    byte[] longer = compressed.clone();
    ByteBuffer.wrap(longer, Envelope.HEADER_LENGTH, 4).putInt(5001);
    byte[] huge = compressed.clone();
    ByteBuffer.wrap(huge, Envelope.HEADER_LENGTH, 4).putInt(Integer.MAX_VALUE);
    byte[] negative = compressed.clone();
    ByteBuffer.wrap(negative, Envelope.HEADER_LENGTH, 4).putInt(-1);
    byte[] trailing = Arrays.copyOf(compressed, compressed.length + 1);
    return Stream.of(
        Arguments.of("empty", new byte[0]),
        Arguments.of("unknown format", new byte[] {7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}),
        Arguments.of("header cut short", Arrays.copyOf(Envelope.value(utf8("1"), 1024, 0, EXPIRES), 9)),
        Arguments.of("not found with trailing bytes", Arrays.copyOf(Envelope.notFound(0, EXPIRES), 14)),
        Arguments.of("compressed without data", Arrays.copyOf(compressed, Envelope.HEADER_LENGTH + 4)),
        Arguments.of("compressed stream damaged", flipped),
        Arguments.of("compressed stream truncated", Arrays.copyOf(compressed, compressed.length - 4)),
        Arguments.of("compressed stream with trailing bytes", trailing),
        Arguments.of("recorded length too long", longer),
        Arguments.of("recorded length impossible", huge),
        Arguments.of("recorded length negative", negative));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corruptEntries")
  void corruptBytesAreRejectedAsACodecException(String what, byte[] bytes) {
    assertThatThrownBy(() -> Envelope.read(bytes)).isInstanceOf(CodecException.class);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
