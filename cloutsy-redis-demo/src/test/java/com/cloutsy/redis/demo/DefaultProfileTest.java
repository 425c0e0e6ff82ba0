package com.cloutsy.redis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloutsy.redis.demo.auth.DevOtpSender;
import com.cloutsy.redis.embedded.EmbeddedRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.otp.OtpMessage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service with no profile active at all, as a deployment that sets none runs it: nothing development-only
 * happens. Codes reach only the sender, no embedded Redis or generated secret exists, health shows no details, and
 * the ops endpoints, the metrics and publishing answer only the ops key. A missing token or OTP secret and a weak
 * ops key stop start-up, naming the setting.
 */
@WithRedis
@SpringBootTest(classes = {DemoApplication.class, ProdProfileTest.Sms.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DefaultProfileTest {

  private static final String OPS_KEY = ProdProfileTest.OPS_KEY;
  private static final String WRONG_KEY = "RWMQX7p7RshePI/Ba1We6UblvpoMaYYgk3HxbAkvbq8=";
  private static final AtomicReference<RedisEndpoint> REDIS = new AtomicReference<>();

  @LocalServerPort
  private int port;

  @Autowired
  private ProdProfileTest.Sms sms;

  @Autowired
  private ObjectProvider<DevOtpSender> devSender;

  @Autowired
  private ObjectProvider<EmbeddedRedis> embedded;

  @Autowired
  private Environment environment;

  @BeforeAll
  static void redis(RedisEndpoint endpoint) {
    REDIS.set(endpoint);
  }

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry properties) {
    properties.add("cloutsy.redis.url", () -> REDIS.get().uri());
    properties.add("cloutsy.redis.key-prefix", () -> "demo-default-test:");
    properties.add("cloutsy.redis.otp.secret", () -> ProdProfileTest.TOKEN_SECRET);
    properties.add("demo.token.secret", () -> ProdProfileTest.TOKEN_SECRET);
    properties.add("demo.ops.key", () -> OPS_KEY);
    properties.add("cloutsy.redis.login.device-secret", () -> ProdProfileTest.DEVICE_SECRET);
  }

  @Test
  void noProfileIsActiveAndNoDevelopmentBeanExists() {
    assertThat(environment.getActiveProfiles()).isEmpty();
    assertThat(devSender.getIfAvailable()).isNull();
    assertThat(embedded.getIfAvailable()).isNull();
  }

  @Test
  void theCodeGoesToTheSenderAndNeverIntoTheAnswer() {
    DemoClient client = new DemoClient(port);
    String phone = DemoClient.newPhone();

    DemoClient.Response requested = client.post("/auth/otp/request", "{\"phone\":\"" + phone + "\"}", null);

    assertThat(requested.status()).isEqualTo(202);
    assertThat(requested.text()).isEqualTo("{\"expiresIn\":300,\"cooldown\":60}");
    OtpMessage message = sms.sent.stream().filter(sent -> sent.phone().equals(phone)).findFirst().orElseThrow();
    assertThat(requested.text()).doesNotContain(message.code());
  }

  @Test
  void theOpsEndpointsAnswerOnlyTheKeyInEitherHeader() {
    DemoClient client = new DemoClient(port);

    assertThat(client.get("/ops/api/health", null).field("error")).isEqualTo("ops_key_required");
    assertThat(opsGet(client, "/ops/api/health", "X-Ops-Key", WRONG_KEY).status()).isEqualTo(401);
    assertThat(opsGet(client, "/ops/api/health", "X-Ops-Key", OPS_KEY).status()).isEqualTo(200);
    assertThat(opsGet(client, "/ops/api/health", "Authorization", "Bearer " + OPS_KEY).status()).isEqualTo(200);
  }

  @Test
  void metricsAndPrometheusAnswerOnlyTheKeyInEitherHeader() {
    DemoClient client = new DemoClient(port);
    for (String path : List.of("/actuator/metrics", "/actuator/metrics/jvm.memory.used", "/actuator/prometheus",
        "/actuator")) {
      DemoClient.Response anonymous = client.get(path, null);
      assertThat(anonymous.status()).as(path).isEqualTo(401);
      assertThat(anonymous.field("error")).as(path).isEqualTo("ops_key_required");
      assertThat(opsGet(client, path, "X-Ops-Key", WRONG_KEY).status()).as(path).isEqualTo(401);
      assertThat(opsGet(client, path, "Authorization", "Bearer " + WRONG_KEY).status()).as(path).isEqualTo(401);
      assertThat(opsGet(client, path, "X-Ops-Key", OPS_KEY).status()).as(path).isEqualTo(200);
      assertThat(opsGet(client, path, "Authorization", "Bearer " + OPS_KEY).status()).as(path).isEqualTo(200);
    }
    assertThat(opsGet(client, "/actuator/prometheus", "Authorization", "Bearer " + OPS_KEY).text())
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void pathTricksDoNotStepAroundTheKey() {
    DemoClient client = new DemoClient(port);
    for (String path : List.of("/actuator/prometheus;x=1", "/actuator//prometheus", "/actuator/./prometheus",
        "/actuator/health/../prometheus", "//actuator/metrics", "/actuator/metrics/", "/%61ctuator/prometheus",
        "/actuator/%70rometheus", "/actuator/%68ealth/../metrics")) {
      DemoClient.Response anonymous = client.get(path, null);
      assertThat(anonymous.status()).as(path).isNotEqualTo(200);
      assertThat(anonymous.text()).as(path).doesNotContain("jvm_memory", "names");
    }
  }

  @Test
  void healthIsPublicAndShowsNoDetails() {
    DemoClient.Response health = new DemoClient(port).get("/actuator/health", null);

    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("components").get("redis").get("status").asString()).isEqualTo("UP");
    assertThat(health.text()).doesNotContain("details", "127.0.0.1", "version");
  }

  @Test
  void publishingANotificationNeedsTheKey() {
    DemoClient client = new DemoClient(port);
    String event = "{\"userId\":\"42\",\"type\":\"message\"}";

    DemoClient.Response anonymous = client.post("/api/notifications", event, null);
    DemoClient.Response wrongKey = client.send(client.request("/api/notifications", null)
        .header("Content-Type", "application/json").header("X-Ops-Key", WRONG_KEY)
        .POST(HttpRequest.BodyPublishers.ofString(event)));
    DemoClient.Response withKey = client.send(client.request("/api/notifications", null)
        .header("Content-Type", "application/json").header("X-Ops-Key", OPS_KEY)
        .POST(HttpRequest.BodyPublishers.ofString(event)));

    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.field("error")).isEqualTo("ops_key_required");
    assertThat(wrongKey.status()).isEqualTo(401);
    assertThat(withKey.status()).isEqualTo(202);
  }

  @Test
  void withoutAnOpsKeyTheOpsEndpointsMetricsAndPublishingAreClosedEvenToThisMachine() {
    try (ConfigurableApplicationContext context = application("demo.token.secret=" + ProdProfileTest.TOKEN_SECRET,
        "cloutsy.redis.otp.secret=" + ProdProfileTest.TOKEN_SECRET).run()) {
      DemoClient client =
          new DemoClient(context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));

      DemoClient.Response ops = client.get("/ops/api/health", null);
      DemoClient.Response metrics = client.get("/actuator/metrics", null);
      DemoClient.Response prometheus = client.get("/actuator/prometheus", null);
      DemoClient.Response publish = client.post("/api/notifications", "{\"userId\":\"42\",\"type\":\"m\"}", null);

      assertThat(ops.status()).isEqualTo(403);
      assertThat(ops.field("error")).isEqualTo("ops_disabled");
      assertThat(metrics.status()).isEqualTo(403);
      assertThat(prometheus.status()).isEqualTo(403);
      assertThat(publish.status()).isEqualTo(401);
      assertThat(publish.field("error")).isEqualTo("ops_disabled");
    }
  }

  @Test
  void withoutATokenSecretTheServiceRefusesToStart() {
    SpringApplicationBuilder application = application("cloutsy.redis.otp.secret=" + ProdProfileTest.TOKEN_SECRET);

    assertThatThrownBy(() -> application.run().close())
        .rootCause().hasMessageContaining("demo.token.secret is not set").hasMessageContaining("DEMO_TOKEN_SECRET");
  }

  @Test
  void withoutADeviceSecretTheServiceRefusesToStartRegression16() {
    SpringApplicationBuilder application =
        new SpringApplicationBuilder(DemoApplication.class, ProdProfileTest.Sms.class)
        .properties("server.port=0", "cloutsy.redis.url=" + REDIS.get().uri(), "spring.main.banner-mode=off",
            "cloutsy.redis.key-prefix=demo-default-test:", "demo.token.secret=" + ProdProfileTest.TOKEN_SECRET,
            "cloutsy.redis.otp.secret=" + ProdProfileTest.TOKEN_SECRET);

    assertThatThrownBy(() -> application.run().close())
        .rootCause().hasMessageContaining("cloutsy.redis.login.device-secret (CLOUTSY_REDIS_LOGIN_DEVICE_SECRET) is"
            + " not set");
  }

  @Test
  void withAnSmsSenderButNoOtpSecretTheServiceRefusesToStart() {
    SpringApplicationBuilder application = application("demo.token.secret=" + ProdProfileTest.TOKEN_SECRET);

    assertThatThrownBy(() -> application.run().close())
        .rootCause().hasMessageContaining("cloutsy.redis.otp.secret is not set");
  }

  @Test
  void withDevAndProdBothActiveInEitherOrderNoSecretIsGenerated() {
    for (String[] profiles : new String[][] {{"dev", "prod"}, {"prod", "dev"}}) {
      SpringApplicationBuilder application = application("demo.token.secret=" + ProdProfileTest.TOKEN_SECRET)
          .profiles(profiles);

      assertThatThrownBy(() -> application.run().close()).as(String.join(",", profiles))
          .rootCause().hasMessageContaining("cloutsy.redis.otp.secret is not set");
    }
  }

  @Test
  void aWeakOpsKeyStopsStartUpNamingTheSettingAndTheRuleButNotTheKey() {
    String weak = "c2hvcnQtb3BzLWtleQ==";
    SpringApplicationBuilder application = application("demo.token.secret=" + ProdProfileTest.TOKEN_SECRET,
        "cloutsy.redis.otp.secret=" + ProdProfileTest.TOKEN_SECRET, "demo.ops.key=" + weak);

    assertThatThrownBy(() -> application.run().close())
        .hasStackTraceContaining("demo.ops.key (DEMO_OPS_KEY): the ops key must be Base64 of at least 32 random bytes")
        .satisfies(failure -> assertThat(stackTrace(failure)).doesNotContain(weak));
  }

  private static String stackTrace(Throwable failure) {
    StringWriter text = new StringWriter();
    failure.printStackTrace(new PrintWriter(text));
    return text.toString();
  }

  /** The demo with the SMS sender and no profile, on the run's Redis, with {@code properties} besides. */
  private static SpringApplicationBuilder application(String... properties) {
    return new SpringApplicationBuilder(DemoApplication.class, ProdProfileTest.Sms.class)
        .properties("server.port=0", "cloutsy.redis.url=" + REDIS.get().uri(),
            "cloutsy.redis.key-prefix=demo-default-test:", "spring.main.banner-mode=off",
            "cloutsy.redis.login.device-secret=" + ProdProfileTest.DEVICE_SECRET)
        .properties(properties);
  }

  private static DemoClient.Response opsGet(DemoClient client, String path, String header, String value) {
    return client.send(client.request(path, null).header(header, value).GET());
  }
}
