package com.cloutsy.redis.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Jazzer fuzz test of reading stored values: whatever another writer (or an attacker with access to Redis) left at a
 * session key, reading it gives a session or a {@link SessionCorruptedException} naming the key, nothing else, with
 * and without encryption configured.
 *
 * <p>A normal test run replays the seed inputs under {@code src/test/resources/com/cloutsy/redis/session/
 * SessionFormatFuzzTestInputs/anyStoredValueIsASessionOrCorrupted/}. To fuzz, run with the environment variable
 * {@code JAZZER_FUZZ=1}. The input is the stored value as UTF-8.
 */
class SessionFormatFuzzTest {

  private static final String KEY = "session:{42}:jti";
  private static final SessionFormat[] FORMATS = {new SessionFormat(null), new SessionFormat(TestKeys.ENCRYPTION)};

  @FuzzTest(maxDuration = "5m")
  void anyStoredValueIsASessionOrCorrupted(byte[] input) {
    String value = new String(input, StandardCharsets.UTF_8);
    for (SessionFormat format : FORMATS) {
      try {
        SessionFormat.Stored stored = format.read(KEY, "42", "jti", value);
        Session session = stored.toSession("jti", Duration.ZERO);
        assertThat(session.device().attributes()).isEqualTo(stored.attributes())
            .doesNotContainKeys(Device.RESERVED_NAMES.toArray(String[]::new));
      } catch (SessionCorruptedException corrupted) {
        assertThat(corrupted.key()).isEqualTo(KEY);
        assertThat(corrupted).hasMessageStartingWith("Session value at " + KEY + " ");
      }
    }
  }
}
