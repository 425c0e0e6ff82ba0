package com.cloutsy.redis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 4's hostile request sizes against the service in a JVM of its own with a 256 MB heap (dev profile, on the run's
 * shared Redis): 21 requests at once with 50 MB passwords, identifiers, phones and codes, 100 MB notifications and
 * 400-deep nesting, each with a {@code Content-Length} or chunked, while another client keeps calling health.
 *
 * <p>The heap is measured by the service's own {@code jvm.memory.used} meter for the heap ({@code area:heap}), read
 * through the Actuator every 50 ms: the peak during and just after the attack, less the highest of five readings
 * just before it. Used heap includes garbage not yet collected, so this over-counts what the attack retains; a
 * service that read the bodies would need over 50 MB for a single one.
 */
@WithRedis
class SmallHeapHostileRequestsTest {

  private static final Pattern OPS_LINE = Pattern.compile("Ops page: http://localhost:(\\d+)/ops");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final long MB = 1_000_000;
  private static final Logger log = LoggerFactory.getLogger(SmallHeapHostileRequestsTest.class);
  private static final double MIB = 1024 * 1024;
  private static final double MAX_HEAP_GROWTH = 50 * MIB;
  private static final Duration HEALTH_IN_TIME = Duration.ofSeconds(2);

  /** One hostile request and the answer it must get. */
  private record Hostile(String method, String path, RawHttp.Body body, int expected) {
    @Override
    public String toString() {
      return method + " " + path + " " + body + " -> " + expected;
    }
  }

  @Test
  void twentyOneHostileBodiesAtOnceAreRefusedWithinTheHeapWhileOtherRoutesKeepAnswering(RedisEndpoint redis,
      @TempDir Path dir) throws Exception {
    Path output = dir.resolve("demo.out");
    Process service = DemoProcessTest.start(output, List.of("-Xmx256m"), Map.of("REDIS_URL", redis.uri(),
        "REDIS_KEY_PREFIX", "demo-heap-" + UUID.randomUUID().toString().substring(0, 8) + ":"),
        List.of("--spring.profiles.active=dev"));
    ExecutorService attackers = Executors.newFixedThreadPool(21);
    try {
      String printed = await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200))
          .until(() -> Files.readString(output), text -> OPS_LINE.matcher(text).find() || !service.isAlive());
      Matcher ops = OPS_LINE.matcher(printed);
      assertThat(ops.find()).as("the service's output:%n%s", printed).isTrue();
      int port = Integer.parseInt(ops.group(1));
      DemoClient client = new DemoClient(port);
      List<Hostile> hostile = hostileRequests();
      // One small refusal of each kind first, so that the baseline has the classes and buffers they use.
      assertThat(RawHttp.send(port, "POST", "/api/notifications", RawHttp.Body.declaredOnly(100 * MB),
          REQUEST_TIMEOUT).status()).isEqualTo(413);
      assertThat(RawHttp.send(port, "POST", "/api/notifications", deepNesting(), REQUEST_TIMEOUT).status())
          .isEqualTo(400);
      double baseline = 0;
      for (int i = 0; i < 5; i++) {
        baseline = Math.max(baseline, heapUsed(client));
        Thread.sleep(50);
      }

      AtomicBoolean attacking = new AtomicBoolean(true);
      List<Double> heap = new ArrayList<>();
      List<String> slowOrFailedHealth = new ArrayList<>();
      List<Long> healthMillis = new ArrayList<>();
      Thread observer = new Thread(() -> observe(client, attacking, heap, healthMillis, slowOrFailedHealth),
          "heap-and-health");
      observer.start();
      List<Future<RawHttp.Answer>> answers = new ArrayList<>();
      for (Hostile request : hostile) {
        answers.add(attackers.submit(() -> RawHttp.send(port, request.method(), request.path(), request.body(),
            REQUEST_TIMEOUT)));
      }
      List<String> wrong = new ArrayList<>();
      for (int i = 0; i < hostile.size(); i++) {
        RawHttp.Answer answer = answers.get(i).get(REQUEST_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
        if (answer.status() != hostile.get(i).expected()) {
          wrong.add(hostile.get(i) + " got " + answer.status() + ": " + answer.text());
        }
      }
      Thread.sleep(1_000);
      attacking.set(false);
      observer.join(10_000);

      assertThat(wrong).as("hostile requests with another answer than expected").isEmpty();
      assertThat(service.isAlive()).isTrue();
      assertThat(Files.readString(output)).doesNotContain("OutOfMemoryError");
      assertThat(healthMillis).as("health calls during the attack").hasSizeGreaterThan(5);
      assertThat(slowOrFailedHealth).as("health calls that failed or took over %s", HEALTH_IN_TIME).isEmpty();
      double peak = heap.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      log.info("Heap growth under the attack: {} MiB (baseline {} MiB, peak {} MiB, {} readings; bound {} MiB)",
          Math.round((peak - baseline) / MIB), Math.round(baseline / MIB), Math.round(peak / MIB), heap.size(),
          Math.round(MAX_HEAP_GROWTH / MIB));
      assertThat(peak - baseline).as("heap growth in bytes (baseline %.0f, peak %.0f, %d readings)", baseline, peak,
          heap.size()).isLessThan(MAX_HEAP_GROWTH);
      assertThat(client.get("/actuator/health", null).status()).isEqualTo(200);
    } finally {
      attackers.shutdownNow();
      // The service is this test's own: SIGTERM, then, should it hang, SIGKILL.
      service.destroy();
      if (!service.waitFor(30, TimeUnit.SECONDS)) {
        service.destroyForcibly();
      }
    }
  }

  /**
   * 21 requests: 8 answered 413 for their {@code Content-Length}, 4 cut off at the body limit (413), and 9 stopped by
   * a JSON limit (400): a string over 16 KiB, or nesting over 32 levels.
   */
  private static List<Hostile> hostileRequests() {
    String password = "{\"identifier\":\"alice@example.com\",\"password\":\"";
    String identifier = "{\"password\":\"wonderland-2025\",\"identifier\":\"";
    String phone = "{\"phone\":\"+1";
    String notification = "{\"userId\":\"42\",\"type\":\"message\",\"data\":";
    List<Hostile> requests = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      requests.add(new Hostile("POST", "/auth/login/password", RawHttp.Body.sized(password, "a", 50 * MB, "\"}"), 413));
      requests.add(new Hostile("POST", "/auth/login/password", RawHttp.Body.chunked(password, "a", 50 * MB, "\"}"),
          400));
      requests.add(new Hostile("POST", "/auth/login/password", RawHttp.Body.sized(identifier, "b", 50 * MB, "\"}"),
          413));
      requests.add(new Hostile("POST", "/auth/login/password", RawHttp.Body.chunked(identifier, "b", 50 * MB, "\"}"),
          400));
      requests.add(new Hostile("POST", "/auth/otp/request", RawHttp.Body.sized(phone, "5", 50 * MB, "\"}"), 413));
      requests.add(new Hostile("POST", "/api/notifications",
          RawHttp.Body.sized(notification + "\"", "c", 100 * MB, "\"}"), 413));
      requests.add(new Hostile("POST", "/api/notifications",
          RawHttp.Body.chunked(notification + "[", "\"ab\",", 20 * MB, "1]}"), 413));
      requests.add(new Hostile("POST", "/api/notifications",
          RawHttp.Body.chunked(notification + "{\"n\":[", "1,", 50 * MB, "1]}}"), 413));
      requests.add(new Hostile("POST", "/auth/otp/verify",
          RawHttp.Body.chunked("{\"phone\":\"+15551234567\",\"code\":\"", "7", 50 * MB, "\"}"), 400));
      requests.add(new Hostile("POST", "/api/notifications", deepNesting(), 400));
    }
    requests.add(new Hostile("POST", "/auth/login/password",
        RawHttp.Body.chunked("{\"identifier\":", "[", 400, "]".repeat(400) + "}"), 400));
    return requests;
  }

  private static RawHttp.Body deepNesting() {
    return RawHttp.Body.of("{\"userId\":\"42\",\"type\":\"m\",\"data\":" + "[".repeat(400) + "]".repeat(400) + "}");
  }

  /** Until the attack is over: the heap reading and a timed health call, every 50 ms. */
  private static void observe(DemoClient client, AtomicBoolean attacking, List<Double> heap, List<Long> healthMillis,
      List<String> slowOrFailed) {
    while (attacking.get()) {
      try {
        heap.add(heapUsed(client));
        long started = System.nanoTime();
        int status = client.get("/actuator/health", null).status();
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        healthMillis.add(millis);
        if (status != 200 || millis > HEALTH_IN_TIME.toMillis()) {
          slowOrFailed.add(status + " in " + millis + " ms");
        }
        Thread.sleep(50);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException failed) {
        slowOrFailed.add(String.valueOf(failed));
      }
    }
  }

  private static double heapUsed(DemoClient client) {
    DemoClient.Response used = client.get("/actuator/metrics/jvm.memory.used?tag=area:heap", null);
    assertThat(used.status()).as(used.text()).isEqualTo(200);
    return used.json().get("measurements").get(0).get("value").asDouble();
  }
}
