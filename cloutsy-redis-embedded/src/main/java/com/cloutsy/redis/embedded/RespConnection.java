package com.cloutsy.redis.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * A minimal RESP2 client over one blocking socket, so readiness probes need no Redis client library.
 *
 * <p>Replies map to {@link String} (simple and bulk strings), {@link Long}, {@link List}, {@link ErrorReply} and
 * {@code null} (nil). Not thread-safe: one caller at a time.
 */
final class RespConnection implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RespConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects within {@code timeout}, which also bounds every later read. */
  static RespConnection open(String host, int port, Duration timeout) throws IOException {
    return open(host, port, timeout, null);
  }

  /**
   * Connects within {@code timeout}, with TLS when {@code trustedCa} is given: the server's certificate must be
   * signed by that CA. The host name is not checked, because the caller identifies the server otherwise (by its
   * process id, by the port it started).
   */
  static RespConnection open(String host, int port, Duration timeout, @Nullable Path trustedCa) throws IOException {
    Socket plain = new Socket();
    try {
      plain.connect(new InetSocketAddress(host, port), Math.toIntExact(timeout.toMillis()));
      plain.setSoTimeout(Math.toIntExact(timeout.toMillis()));
      if (trustedCa == null) {
        return new RespConnection(plain);
      }
      SSLSocket tls = (SSLSocket) tlsTrusting(trustedCa).createSocket(plain, host, port, true);
      tls.startHandshake();
      return new RespConnection(tls);
    } catch (IOException | RuntimeException e) {
      plain.close();
      throw e;
    }
  }

  private static SSLSocketFactory tlsTrusting(Path caFile) throws IOException {
    try (InputStream pem = Files.newInputStream(caFile)) {
      Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(pem);
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      trusted.setCertificateEntry("ca", ca);
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IOException("Cannot trust the CA in " + caFile, e);
    }
  }

  /** Sends one command and reads its reply; a read that outlasts the timeout throws SocketTimeoutException. */
  @Nullable Object call(String... args) throws IOException {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(("*" + args.length + "\r\n").getBytes(UTF_8));
    for (String arg : args) {
      byte[] bytes = arg.getBytes(UTF_8);
      request.writeBytes(("$" + bytes.length + "\r\n").getBytes(UTF_8));
      request.writeBytes(bytes);
      request.writeBytes("\r\n".getBytes(UTF_8));
    }
    out.write(request.toByteArray());
    out.flush();
    return read();
  }

  private @Nullable Object read() throws IOException {
    int type = in.read();
    if (type == -1) {
      throw new EOFException("connection closed by the server");
    }
    String line = readLine();
    return switch (type) {
      case '+' -> line;
      case '-' -> new ErrorReply(line);
      case ':' -> Long.parseLong(line);
      case '$' -> readBulk(Integer.parseInt(line));
      case '*' -> readArray(Integer.parseInt(line));
      default -> throw new IOException("not a RESP2 reply: type byte " + type);
    };
  }

  private @Nullable String readBulk(int length) throws IOException {
    if (length < 0) {
      return null;
    }
    byte[] bytes = in.readNBytes(length);
    if (bytes.length < length) {
      throw new EOFException("connection closed inside a bulk string");
    }
    readLine();
    return new String(bytes, UTF_8);
  }

  private @Nullable List<@Nullable Object> readArray(int size) throws IOException {
    if (size < 0) {
      return null;
    }
    List<@Nullable Object> items = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      items.add(read());
    }
    return items;
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\r'; b = in.read()) {
      if (b == -1) {
        throw new EOFException("connection closed inside a reply");
      }
      line.write(b);
    }
    if (in.read() != '\n') {
      throw new IOException("RESP line not ended by CRLF");
    }
    return line.toString(UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** An error reply such as {@code NOAUTH Authentication required.}, as a value rather than an exception. */
  record ErrorReply(String message) {}
}
