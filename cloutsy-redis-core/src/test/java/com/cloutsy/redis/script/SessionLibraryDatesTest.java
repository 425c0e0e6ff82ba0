package com.cloutsy.redis.script;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import io.lettuce.core.ScriptOutputType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The date arithmetic of session-library.lua, run on the server, against java.time over seeded random instants:
 * what the scripts write must be what SessionFormat reads, and what they read what another writer wrote.
 */
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionLibraryDatesTest {

  private static final LuaScript DATES = LuaScript.load("test-session-dates.lua");
  private static final long SEED = 0x5E55_10DA_7E5L;
  private static final int INSTANTS = 1_000;
  /** A day inside the years 0001 and 9999 on either side, so a date-time at any offset keeps four-digit years. */
  private static final long FIRST = Instant.parse("0001-01-02T00:00:00Z").toEpochMilli();
  private static final long LAST = Instant.parse("9999-12-30T23:59:59.999Z").toEpochMilli();
  private static final DateTimeFormatter UTC_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
  private static final int MAX_OFFSET_MINUTES = 18 * 60;
  private static final int NANOS_PER_MILLI = 1_000_000;

  private final RedisService redis;

  SessionLibraryDatesTest(RedisEndpoint endpoint) {
    redis = TestRedis.start(endpoint);
  }

  @AfterAll
  void close() {
    redis.close();
  }

  @Test
  void isoAndParseIsoAgreeWithJavaTime() {
    System.out.println("SessionLibraryDatesTest seed " + SEED);
    Random random = new Random(SEED);
    List<String> args = new ArrayList<>();
    List<String> expectedIso = new ArrayList<>();
    List<Long> expectedMillis = new ArrayList<>();
    List<String> dateTimes = new ArrayList<>();
    for (int i = 0; i < INSTANTS; i++) {
      long millis = i == 0 ? 0 : i == 1 ? -1 : FIRST + Math.floorMod(random.nextLong(), LAST - FIRST + 1);
      Instant instant = Instant.ofEpochMilli(millis);
      expectedIso.add(UTC_MILLIS.format(instant));

      Instant written = instant.plusNanos(random.nextInt(NANOS_PER_MILLI));
      ZoneOffset offset = random.nextInt(4) == 0
          ? ZoneOffset.UTC
          : ZoneOffset.ofTotalSeconds((random.nextInt(2 * MAX_OFFSET_MINUTES + 1) - MAX_OFFSET_MINUTES) * 60);
      String dateTime = withFractionDigits(OffsetDateTime.ofInstant(written, offset), random.nextInt(10));
      dateTimes.add(dateTime);
      expectedMillis.add(DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(dateTime, Instant::from).toEpochMilli());

      args.add(Long.toString(millis));
      args.add(dateTime);
    }
    long before = System.currentTimeMillis();

    List<Object> reply = redis.runtime().await(redis.scripts().run(DATES, ScriptOutputType.MULTI, new String[0],
        args.toArray(new String[0])));

    for (int i = 0; i < INSTANTS; i++) {
      assertThat(reply.get(2 * i)).as("iso(%s)", args.get(2 * i)).isEqualTo(expectedIso.get(i));
      assertThat(reply.get(2 * i + 1)).as("parse_iso(%s)", dateTimes.get(i)).isEqualTo(expectedMillis.get(i));
    }
    assertThat((Long) reply.get(2 * INSTANTS)).as("now_ms(), Redis TIME, on this machine close to ours")
        .isBetween(before - 5_000, System.currentTimeMillis() + 5_000);
  }

  /** ISO-8601 with the offset as {@code Z} or {@code +hh:mm} and {@code digits} (0 to 9) of the fraction. */
  private static String withFractionDigits(OffsetDateTime dateTime, int digits) {
    String seconds = SECONDS.format(dateTime.toLocalDateTime());
    String fraction = digits == 0 ? "" : "." + String.format("%09d", dateTime.getNano()).substring(0, digits);
    return seconds + fraction + dateTime.getOffset().getId();
  }
}
