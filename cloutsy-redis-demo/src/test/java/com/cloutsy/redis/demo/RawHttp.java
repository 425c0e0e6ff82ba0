package com.cloutsy.redis.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP/1.1 request over a plain socket, as a hostile client sends it: any {@code Content-Length} or chunked
 * framing, the body streamed from a generator on a thread of its own while the answer is read, so a server that
 * answers before the body ends is heard. A body is never held whole: a 100 MB one costs a 64 KiB piece.
 */
final class RawHttp {

  private static final int PIECE = 64 * 1024;
  private static final int MAX_ANSWER = 16 * 1024;

  private RawHttp() {}

  /**
   * A body: {@code prefix}, then {@code unit} {@code repeat} times, then {@code suffix}; ASCII.
   *
   * @param declaredLength the {@code Content-Length} to send, or -1 to send the body chunked
   */
  record Body(String prefix, String unit, long repeat, String suffix, long declaredLength) {

    /** The body with its true length as {@code Content-Length}. */
    static Body sized(String prefix, String unit, long repeat, String suffix) {
      return new Body(prefix, unit, repeat, suffix, prefix.length() + unit.length() * repeat + suffix.length());
    }

    /** The body sent chunked. */
    static Body chunked(String prefix, String unit, long repeat, String suffix) {
      return new Body(prefix, unit, repeat, suffix, -1);
    }

    /** A small body sent whole with its {@code Content-Length}. */
    static Body of(String text) {
      return sized(text, "", 0, "");
    }

    /** A {@code Content-Length} of {@code length} and no body at all. */
    static Body declaredOnly(long length) {
      return new Body("", "", 0, "", length);
    }

    boolean isChunked() {
      return declaredLength < 0;
    }

    long length() {
      return prefix.length() + unit.length() * repeat + suffix.length();
    }

    void writeTo(OutputStream out) throws IOException {
      write(out, prefix.getBytes(StandardCharsets.US_ASCII), prefix.length());
      if (!unit.isEmpty()) {
        int perPiece = Math.max(1, PIECE / unit.length());
        byte[] piece = unit.repeat(perPiece).getBytes(StandardCharsets.US_ASCII);
        for (long left = repeat; left > 0; left -= perPiece) {
          write(out, piece, (int) Math.min(perPiece, left) * unit.length());
        }
      }
      write(out, suffix.getBytes(StandardCharsets.US_ASCII), suffix.length());
      if (isChunked()) {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
    }

    private void write(OutputStream out, byte[] bytes, int length) throws IOException {
      if (length == 0) {
        return;
      }
      if (isChunked()) {
        out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      }
      out.write(bytes, 0, length);
      if (isChunked()) {
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
    }

    @Override
    public String toString() {
      return length() + " bytes " + (isChunked() ? "chunked" : "with Content-Length " + declaredLength);
    }
  }

  /**
   * An answer.
   *
   * @param status the status code, or -1 when none arrived (the connection was closed or reset first, or timed out)
   * @param text the status line, headers and as much of the body as arrived before the connection ended
   */
  record Answer(int status, String text) {}

  /** Sends {@code method path} with {@code body} to this machine's {@code port}; waits at most {@code timeout}. */
  static Answer send(int port, String method, String path, Body body, Duration timeout) {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    Thread writer = null;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
          + "Content-Type: application/json\r\nConnection: close\r\n"
          + (body.isChunked() ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.declaredLength() + "\r\n")
          + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      writer = new Thread(() -> {
        try {
          body.writeTo(out);
        } catch (IOException closedByTheServer) {
          // The server stopped reading and closed: what a refusal does.
        }
      }, "raw-http-body");
      writer.setDaemon(true);
      writer.start();
      readAnswer(socket.getInputStream(), answer);
    } catch (IOException failed) {
      // Whatever arrived before the connection failed is the answer.
    } finally {
      if (writer != null) {
        try {
          writer.join(timeout.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
    String text = answer.toString(StandardCharsets.ISO_8859_1);
    return new Answer(status(text), text);
  }

  /** Reads until the end of the stream or {@link #MAX_ANSWER} bytes, keeping what arrived if it fails. */
  private static void readAnswer(InputStream in, ByteArrayOutputStream answer) throws IOException {
    byte[] buffer = new byte[4096];
    int n;
    while (answer.size() < MAX_ANSWER && (n = in.read(buffer)) > 0) {
      answer.write(buffer, 0, n);
      if (isComplete(answer.toString(StandardCharsets.ISO_8859_1))) {
        return;
      }
    }
  }

  /** Whether the headers and a body of the given Content-Length, or the last chunk, arrived. */
  private static boolean isComplete(String text) {
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    String headers = text.substring(0, end).toLowerCase(Locale.ROOT);
    int length = headers.indexOf("content-length:");
    if (length >= 0) {
      int lineEnd = headers.indexOf("\r\n", length);
      long expected = Long.parseLong(headers.substring(length + 15, lineEnd < 0 ? headers.length() : lineEnd).strip());
      return text.length() - end - 4 >= expected;
    }
    return text.endsWith("0\r\n\r\n");
  }

  private static int status(String text) {
    if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
      return -1;
    }
    return Integer.parseInt(text.substring(9, 12));
  }

}
