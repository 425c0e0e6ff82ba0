package com.cloutsy.redis.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading stored values, without Redis: the seed's JSON, our own fields, and values that must be refused. */
class SessionFormatTest {

  private static final String KEY = "session:42:jti";
  private static final SessionFormat PLAIN = new SessionFormat(null);
  private static final SessionFormat ENCRYPTED = new SessionFormat(TestKeys.ENCRYPTION);

  private static SessionFormat.Stored read(String value) {
    return PLAIN.read(KEY, "42", "jti", value);
  }

  @Test
  void readsTheSeedsFieldsAndOurTimes() {
    SessionFormat.Stored stored = read("{\"deviceId\":\"d\",\"userAgent\":\"ua\",\"createdAt\":"
        + "\"2025-03-01T10:00:00.123Z\",\"userType\":\"influencer\",\"lastSeenAt\":\"2025-03-02T10:00:00.000Z\","
        + "\"expiresAt\":\"2025-03-09T10:00:00.000+02:00\",\"absoluteExpiresAt\":\"2025-03-31T10:00:00.123Z\"}");

    assertThat(stored.device()).isEqualTo(Device.of("d", "ua", UserType.INFLUENCER));
    assertThat(stored.createdAt()).isEqualTo(Instant.parse("2025-03-01T10:00:00.123Z"));
    assertThat(stored.lastSeenAt()).isEqualTo(Instant.parse("2025-03-02T10:00:00Z"));
    assertThat(stored.expiresAt()).isEqualTo(Instant.parse("2025-03-09T08:00:00Z"));
    assertThat(stored.attributes()).isEmpty();
  }

  @Test
  void otherFieldsBecomeAttributesAsTextNullsLeftOut() {
    SessionFormat.Stored stored = read("{\"deviceId\":\"d\",\"createdAt\":\"2025-03-01T10:00:00Z\","
        + "\"userType\":\"brand\",\"ip\":\"203.0.113.7\",\"id\":12345678901234567890123,"
        + "\"ratio\":0.1000000000000000055,"
        + "\"ok\":true,\"tags\":[],\"geo\":{\"lat\":1.5},\"gone\":null,\"\":\"nameless\"}");

    assertThat(stored.attributes()).isEqualTo(Map.of("ip", "203.0.113.7", "id", "12345678901234567890123",
        "ratio", "0.1000000000000000055", "ok", "true", "tags", "[]", "geo", "{\"lat\":1.5}"));
    assertThat(stored.device().userAgent()).as("left out by the writer").isEmpty();
    assertThat(stored.lastSeenAt()).isEqualTo(stored.createdAt());
    assertThat(stored.expiresAt()).isNull();
  }

  @Test
  void writesTheSeedsFieldNamesAndAttributesCompactly() {
    String value = PLAIN.write("42", "jti", Device.of("d", "ua", UserType.BRAND).withAttribute("ip", "1.2.3.4"));

    assertThat(value).startsWith("{\"deviceId\":\"d\",\"userAgent\":\"ua\",\"userType\":\"brand\",")
        .contains("\"ip\":\"1.2.3.4\"").endsWith("}");
  }

  @Test
  void anEncryptedValueReadsBackAndIsBoundToItsUserAndJti() {
    Device device = Device.of("d", "ua", UserType.BRAND).withAttribute("ip", "1.2.3.4");
    String value = ENCRYPTED.write("42", "jti", device);
    String stored = value.substring(0, value.length() - 1) + ",\"createdAt\":\"2025-03-01T10:00:00Z\"}";

    SessionFormat.Stored read = ENCRYPTED.read(KEY, "42", "jti", stored);

    assertThat(read.device()).isEqualTo(Device.of("d", "ua", UserType.BRAND));
    assertThat(read.attributes()).isEqualTo(Map.of("ip", "1.2.3.4"));
    assertThatThrownBy(() -> ENCRYPTED.read(KEY, "43", "jti", stored))
        .isInstanceOf(SessionCorruptedException.class).hasMessageEndingWith("authentication failed");
    assertThatThrownBy(() -> ENCRYPTED.read(KEY, "42", "jti2", stored))
        .isInstanceOf(SessionCorruptedException.class).hasMessageEndingWith("authentication failed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "secret", "[\"secret\"]", "\"secret\"", "42", "null",
      "{\"deviceId\":\"secret\"", "{\"deviceId\":\"secret\"} trailing",
      "{\"deviceId\":\"secret\",\"createdAt\":\"2025-03-01T10:00:00Z\",\"userType\":\"admin\"}",
      "{\"deviceId\":\"secret\",\"createdAt\":\"2025-03-01T10:00:00Z\",\"userType\":\"Brand\"}",
      "{\"deviceId\":\"secret\",\"createdAt\":\"2025-03-01T10:00:00Z\"}",
      "{\"deviceId\":\"secret\",\"userType\":\"brand\"}",
      "{\"deviceId\":\"secret\",\"userType\":\"brand\",\"createdAt\":\"secret yesterday\"}",
      "{\"deviceId\":\"secret\",\"userType\":\"brand\",\"createdAt\":1700000000000}",
      "{\"deviceId\":\"secret\",\"userType\":\"brand\",\"createdAt\":\"2025-03-01T10:00:00Z\","
          + "\"n\":1e222222222222222222222222222222}",
      "{\"deviceId\":7,\"userType\":\"brand\",\"createdAt\":\"2025-03-01T10:00:00Z\",\"x\":\"secret\"}",
      "{\"deviceId\":\"secret\",\"userType\":\"brand\",\"createdAt\":\"2025-03-01T10:00:00Z\","
          + "\"lastSeenAt\":\"2025-02-30T10:00:00Z\"}",
      "{\"enc\":\"v1\",\"kid\":\"k1\",\"iv\":\"AAAAAAAAAAAAAAAA\",\"ct\":\"secret\"}",
      "{\"enc\":\"v1\",\"kid\":\"k1\",\"iv\":\"AAAA\",\"ct\":\"c2VjcmV0\"}",
      "{\"enc\":\"v1\",\"kid\":\"k1\"}", "{\"enc\":1}"})
  void valuesThatAreNotSessionsAreCorruptedAndNeverQuoted(String value) {
    for (SessionFormat format : new SessionFormat[] {PLAIN, ENCRYPTED}) {
      assertThatThrownBy(() -> format.read(KEY, "42", "jti", value))
          .isInstanceOf(SessionCorruptedException.class)
          .hasMessageStartingWith("Session value at " + KEY + " ")
          .hasMessageNotContaining("secret");
    }
  }

  @Test
  void userTypesAreTheSeedsLowerCaseStrings() {
    assertThat(UserType.INFLUENCER.stored()).isEqualTo("influencer");
    assertThat(UserType.fromStored("brand")).isEqualTo(UserType.BRAND);
    assertThatThrownBy(() -> UserType.fromStored("BRAND")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("userType must be \"influencer\" or \"brand\", was \"BRAND\"");
  }

  @Test
  void deviceAttributesMayNotTakeTheStoredFieldNames() {
    Device device = Device.of("d", "ua", UserType.BRAND);

    for (String reserved : Device.RESERVED_NAMES) {
      assertThatThrownBy(() -> device.withAttribute(reserved, "x")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageEndingWith("was \"" + reserved + "\"");
    }
    assertThatThrownBy(() -> device.withAttribute("", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> device.withAttribute("ip", null)).isInstanceOf(NullPointerException.class)
        .hasMessage("attribute \"ip\" must not be null");
    assertThat(device.withAttribute("ip", "1").withAttribute("ip", "2").attributes()).isEqualTo(Map.of("ip", "2"));
  }
}
