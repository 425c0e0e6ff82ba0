package com.cloutsy.redis.demo;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds every request body to {@code demo.max-request-bytes}, on every route, before anything reads it: a
 * {@code Content-Length} over the limit is answered 413 at once, without reading a byte; a body of unknown length
 * (chunked) is read through a stream that fails with {@link BodyTooLargeException} once it passes the limit, which
 * {@link ApiErrors} answers 413. A route that never reads its body is not slowed by one either: the container
 * discards at most {@code server.tomcat.max-swallow-size} of what is left, then closes the connection.
 */
final class RequestSizeLimit extends OncePerRequestFilter {

  private final long maxBytes;
  private final byte[] refusal;

  RequestSizeLimit(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be > 0, was " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.refusal = ("{\"error\":\"content_too_large\",\"message\":\"" + BodyTooLargeException.message(maxBytes)
        + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getContentLengthLong() > maxBytes) {
      response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
      // The client may still be sending; nothing more of this connection is wanted.
      response.setHeader(HttpHeaders.CONNECTION, "close");
      response.setContentType(MediaType.APPLICATION_JSON_VALUE);
      response.setContentLength(refusal.length);
      response.getOutputStream().write(refusal);
      // Sent now, so the client reads the answer before the container gives up on the rest of the body.
      response.flushBuffer();
      return;
    }
    chain.doFilter(new Limited(request, maxBytes), response);
  }

  /** Thrown by a request body's stream when the body passes the limit; the route answers 413. */
  static final class BodyTooLargeException extends IOException {

    private static final long serialVersionUID = 1L;

    BodyTooLargeException(long maxBytes) {
      super(message(maxBytes));
    }

    static String message(long maxBytes) {
      return "The request body is larger than the " + maxBytes + " bytes this service takes.";
    }
  }

  /** The request with its body behind {@link LimitedStream}. */
  private static final class Limited extends HttpServletRequestWrapper {

    private final long maxBytes;
    private @Nullable ServletInputStream body;
    private @Nullable BufferedReader reader;

    Limited(HttpServletRequest request, long maxBytes) {
      super(request);
      this.maxBytes = maxBytes;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (body == null) {
        body = new LimitedStream(super.getInputStream(), maxBytes);
      }
      return body;
    }

    @Override
    public BufferedReader getReader() throws IOException {
      if (reader == null) {
        String encoding = getCharacterEncoding();
        Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
        reader = new BufferedReader(new InputStreamReader(getInputStream(), charset));
      }
      return reader;
    }
  }

  /** Passes reads through until more than {@code maxBytes} were read, then fails every read. */
  private static final class LimitedStream extends ServletInputStream {

    private final ServletInputStream in;
    private final long maxBytes;
    private long read;

    LimitedStream(ServletInputStream in, long maxBytes) {
      this.in = in;
      this.maxBytes = maxBytes;
    }

    @Override
    public int read() throws IOException {
      int next = in.read();
      if (next >= 0) {
        count(1);
      }
      return next;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) throws BodyTooLargeException {
      read += n;
      if (read > maxBytes) {
        throw new BodyTooLargeException(maxBytes);
      }
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }
}
