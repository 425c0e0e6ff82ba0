package com.cloutsy.redis.health;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One entry of the server's slow log ({@code SLOWLOG GET}).
 *
 * <p>The arguments are as the server logged them (at most 32, each cut at 128 bytes by Redis): they may hold
 * personal data from keys and values, so treat entries like the data itself before logging them.
 *
 * @param id the entry's sequence number
 * @param startedAt when the command started, by the server's clock (second precision)
 * @param duration how long it ran on the server, excluding network and queueing
 * @param command the command and its arguments
 * @param clientAddress the client's {@code ip:port}, empty on servers before 4.0
 * @param clientName the client's name ({@code CLIENT SETNAME}), often empty
 */
public record SlowlogEntry(long id, Instant startedAt, Duration duration, List<String> command, String clientAddress,
    String clientName) {

  /** Copies the command. */
  public SlowlogEntry {
    command = List.copyOf(command);
  }

  /** Parses one entry of the raw {@code SLOWLOG GET} reply. */
  static SlowlogEntry fromReply(List<?> entry) {
    List<?> arguments = entry.size() > 3 && entry.get(3) instanceof List<?> list ? list : List.of();
    return new SlowlogEntry(number(entry, 0), Instant.ofEpochSecond(number(entry, 1)),
        Duration.ofNanos(number(entry, 2) * 1_000), arguments.stream().map(String::valueOf).toList(),
        text(entry, 4), text(entry, 5));
  }

  private static long number(List<?> entry, int index) {
    return entry.size() > index && entry.get(index) instanceof Number number ? number.longValue() : 0;
  }

  private static String text(List<?> entry, int index) {
    return entry.size() > index && entry.get(index) != null ? String.valueOf(entry.get(index)) : "";
  }
}
