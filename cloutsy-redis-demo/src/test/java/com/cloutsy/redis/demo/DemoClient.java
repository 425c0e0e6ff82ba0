package com.cloutsy.redis.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/** Calls the running demo over real HTTP, as a client of the service would, and reads the JSON answers. */
public final class DemoClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final String base;

  /** A client of the service on {@code port} of this machine. */
  public DemoClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** An answer: status, headers and the body as JSON (a missing node when it is empty or not JSON). */
  public record Response(int status, Map<String, List<String>> headers, String text) {

    /** The first value of the header, case-insensitively. */
    public Optional<String> header(String name) {
      return headers.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(name))
          .flatMap(entry -> entry.getValue().stream()).findFirst();
    }

    /** The body as JSON. */
    public JsonNode json() {
      try {
        return text.isEmpty() ? MissingNode.getInstance() : JSON.readTree(text);
      } catch (RuntimeException notJson) {
        return MissingNode.getInstance();
      }
    }

    /** The text field {@code name} of the JSON body, or null. */
    public @Nullable String field(String name) {
      JsonNode node = json().get(name);
      return node == null || node.isNull() ? null : node.asString();
    }

    @Override
    public String toString() {
      return status + " " + text;
    }
  }

  /** A logged-in session of the demo. */
  public record Login(String token, String userId, String jti) {}

  /** The base URI, {@code http://127.0.0.1:<port>}. */
  public String base() {
    return base;
  }

  public Response get(String path, @Nullable String token) {
    return send(request(path, token).GET());
  }

  public Response delete(String path, @Nullable String token) {
    return send(request(path, token).DELETE());
  }

  public Response post(String path, String json, @Nullable String token) {
    return post(path, json, token, "demo-test");
  }

  public Response post(String path, String json, @Nullable String token, String userAgent) {
    return send(request(path, token).header("Content-Type", "application/json").header("User-Agent", userAgent)
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** A request with the token, when there is one. */
  public HttpRequest.Builder request(String path, @Nullable String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  /** Sends a request built by {@link #request}. */
  public Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(interrupted);
    }
  }

  /** The underlying client, for streams. */
  public HttpClient http() {
    return http;
  }

  /** Requests a code for {@code phone} and returns the dev profile's {@code devCode}. */
  public String requestCode(String phone) {
    Response requested = post("/auth/otp/request", "{\"phone\":\"" + phone + "\"}", null);
    if (requested.status() != 202 || requested.field("devCode") == null) {
      throw new IllegalStateException("OTP request for " + phone + " answered " + requested);
    }
    return requested.field("devCode");
  }

  /** Verifies {@code code} for {@code phone} and returns the login ticket of the answer. */
  public String verifyCode(String phone, String code) {
    Response verified = post("/auth/otp/verify", "{\"phone\":\"" + phone + "\",\"code\":\"" + code + "\"}", null);
    if (verified.status() != 200 || verified.field("ticket") == null) {
      throw new IllegalStateException("OTP verify answered " + verified);
    }
    return verified.field("ticket");
  }

  /** The whole phone login: request a code, verify it, log in with its ticket on {@code deviceId}. */
  public Login loginWithPhone(String phone, String deviceId, String userAgent) {
    String ticket = verifyCode(phone, requestCode(phone));
    Response login = post("/auth/login", "{\"phone\":\"" + phone + "\",\"ticket\":\"" + ticket
        + "\",\"deviceId\":\"" + deviceId + "\",\"userType\":\"influencer\"}", null, userAgent);
    if (login.status() != 201) {
      throw new IllegalStateException("login answered " + login);
    }
    return new Login(login.field("token"), login.field("userId"), login.field("jti"));
  }

  /** A phone number no other test uses: +1555 and seven random digits. */
  public static String newPhone() {
    return "+1555" + (1_000_000 + ThreadLocalRandom.current().nextInt(9_000_000));
  }
}
