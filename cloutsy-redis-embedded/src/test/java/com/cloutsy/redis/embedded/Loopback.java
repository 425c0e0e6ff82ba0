package com.cloutsy.redis.embedded;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Raw RESP calls and connection checks against servers on this machine, with short timeouts. */
final class Loopback {

  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private Loopback() {}

  static @Nullable Object call(String host, int port, String... command) throws IOException {
    try (RespConnection connection = RespConnection.open(host, port, TIMEOUT)) {
      return connection.call(command);
    }
  }

  static @Nullable Object call(int port, String... command) throws IOException {
    return call(EmbeddedRedis.HOST, port, command);
  }

  static @Nullable Object ping(int port) throws IOException {
    return call(port, "PING");
  }

  /** Whether a connection to the address is refused, as it is once nothing listens there. */
  static boolean refuses(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), Math.toIntExact(TIMEOUT.toMillis()));
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether anything accepts a connection at the address. */
  static boolean connects(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), Math.toIntExact(TIMEOUT.toMillis()));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static boolean refuses(int port) {
    return refuses(EmbeddedRedis.HOST, port);
  }

  static boolean isGone(long pid) {
    return ProcessHandle.of(pid).map(handle -> !handle.isAlive()).orElse(true);
  }
}
