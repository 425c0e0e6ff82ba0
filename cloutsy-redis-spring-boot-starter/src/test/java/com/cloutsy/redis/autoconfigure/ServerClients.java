package com.cloutsy.redis.autoconfigure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Asks a server how many clients of one name are connected (CLIENT LIST) over a plain socket, so that counting
 * starts no Lettuce threads of its own.
 */
final class ServerClients {

  private ServerClients() {}

  /** How many connections named {@code name} the server at {@code host:port} has. */
  static long named(String host, int port, String name) {
    try (Socket socket = new Socket(host, port)) {
      socket.setSoTimeout(2_000);
      OutputStream out = socket.getOutputStream();
      out.write("*2\r\n$6\r\nCLIENT\r\n$4\r\nLIST\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String header = line(in);
      if (!header.startsWith("$")) {
        throw new IllegalStateException("CLIENT LIST answered " + header);
      }
      byte[] body = in.readNBytes(Integer.parseInt(header.substring(1)));
      return new String(body, StandardCharsets.UTF_8).lines().filter(line -> line.contains(" name=" + name + " "))
          .count();
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n' && b != -1; b = in.read()) {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }
}
