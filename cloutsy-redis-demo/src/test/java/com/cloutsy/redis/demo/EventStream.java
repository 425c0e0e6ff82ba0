package com.cloutsy.redis.demo;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Server-Sent Events stream opened over real HTTP, read line by line on a thread of its own until closed.
 */
final class EventStream implements AutoCloseable {

  private final HttpResponse<InputStream> response;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private volatile boolean ended;

  private EventStream(HttpResponse<InputStream> response) {
    this.response = response;
    Thread reader = new Thread(this::read, "sse-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Opens the stream at {@code path} with {@code token}; returns once the response headers arrived. */
  static EventStream open(DemoClient client, String path, String token) {
    HttpRequest request = client.request(path, token).timeout(Duration.ofMinutes(2))
        .header("Accept", "text/event-stream").GET().build();
    try {
      return new EventStream(client.http().send(request, HttpResponse.BodyHandlers.ofInputStream()));
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(interrupted);
    }
  }

  int status() {
    return response.statusCode();
  }

  /** Every line read so far. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  /** Waits until a line containing {@code text} has arrived. */
  void awaitLine(String text) {
    await().atMost(Duration.ofSeconds(15)).until(() -> lines.stream().anyMatch(line -> line.contains(text)));
  }

  /** Whether the server ended the stream (or the test closed it). */
  boolean ended() {
    return ended;
  }

  private void read() {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(line);
      }
    } catch (IOException closed) {
      // The test closed the stream.
    } finally {
      ended = true;
    }
  }

  @Override
  public void close() throws IOException {
    response.body().close();
  }
}
