package com.cloutsy.redis.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 requests from a chosen loopback address ({@code 127.0.0.2}, {@code 127.0.0.3}, …), so one test can be many
 * clients that the service tells apart by {@code getRemoteAddr()}, as it would tell apart hosts on a network. Linux
 * routes the whole of 127.0.0.0/8 to the loopback interface; no traffic leaves the machine.
 */
final class LoopbackHttp {

  private static final int TIMEOUT_MILLIS = 20_000;

  private LoopbackHttp() {}

  /** The status of a JSON POST to {@code path} of the service on {@code port}, sent from {@code from}. */
  static int postJson(String from, int port, String path, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(TIMEOUT_MILLIS);
      socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      if (!statusLine.startsWith("HTTP/1.1 ")) {
        throw new IllegalStateException("not an HTTP answer: " + statusLine);
      }
      return Integer.parseInt(statusLine.substring(9, 12));
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }
}
