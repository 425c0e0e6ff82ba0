package com.cloutsy.redis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloutsy.redis.demo.auth.DevOtpSender;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.otp.OtpMessage;
import com.cloutsy.redis.otp.OtpSender;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The prod profile, with the secrets a deployment sets and an SMS sender of its own: codes are never revealed, the
 * ops endpoints need the key from every address, and health shows no details. Without a token secret the service
 * does not start.
 */
@WithRedis
@SpringBootTest(classes = {DemoApplication.class, ProdProfileTest.Sms.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("prod")
class ProdProfileTest {

  static final String TOKEN_SECRET = "9JJphaOLcICA8u9xWjfeU6nC8Nvqb/3C7QWfWJ5k3H8=";
  static final String OPS_KEY = "VRabwpX9sCygRQfj+kBdaf3pFxIcRNG80bd2O9etiI4=";
  static final String DEVICE_SECRET = "B24HvEHetxQXOv30uL2vmmwNvT4DojPDLZjC03atnsk=";
  private static final AtomicReference<RedisEndpoint> REDIS = new AtomicReference<>();

  @LocalServerPort
  private int port;

  @Autowired
  private Sms sms;

  @Autowired
  private ObjectProvider<DevOtpSender> devSender;

  @BeforeAll
  static void redis(RedisEndpoint endpoint) {
    REDIS.set(endpoint);
  }

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry properties) {
    properties.add("cloutsy.redis.url", () -> REDIS.get().uri());
    properties.add("cloutsy.redis.key-prefix", () -> "demo-prod-test:");
    properties.add("cloutsy.redis.otp.secret", () -> TOKEN_SECRET);
    properties.add("cloutsy.redis.login.device-secret", () -> DEVICE_SECRET);
    properties.add("demo.token.secret", () -> TOKEN_SECRET);
    properties.add("demo.ops.key", () -> OPS_KEY);
  }

  /** Stands in for a deployment's SMS provider. */
  @TestConfiguration
  static class Sms {
    final List<OtpMessage> sent = new CopyOnWriteArrayList<>();

    @Bean
    OtpSender smsSender() {
      return message -> {
        sent.add(message);
        return CompletableFuture.completedFuture(null);
      };
    }
  }

  @Test
  void theCodeGoesToTheSenderAndNeverIntoTheAnswer() {
    DemoClient client = new DemoClient(port);
    String phone = DemoClient.newPhone();

    DemoClient.Response requested = client.post("/auth/otp/request", "{\"phone\":\"" + phone + "\"}", null);

    assertThat(requested.status()).isEqualTo(202);
    assertThat(requested.text()).isEqualTo("{\"expiresIn\":300,\"cooldown\":60}");
    assertThat(devSender.getIfAvailable()).isNull();
    OtpMessage message = sms.sent.stream().filter(sent -> sent.phone().equals(phone)).findFirst().orElseThrow();
    DemoClient.Response verified = client.post("/auth/otp/verify",
        "{\"phone\":\"" + phone + "\",\"code\":\"" + message.code() + "\"}", null);
    assertThat(verified.status()).isEqualTo(200);
  }

  @Test
  void theOpsEndpointsNeedTheKeyEvenFromThisMachine() {
    DemoClient client = new DemoClient(port);

    DemoClient.Response without = client.get("/ops/api/health", null);
    DemoClient.Response with = client.send(client.request("/ops/api/health", null).header("X-Ops-Key", OPS_KEY).GET());

    assertThat(without.status()).isEqualTo(401);
    assertThat(without.field("error")).isEqualTo("ops_key_required");
    assertThat(with.status()).isEqualTo(200);
    assertThat(with.json().get("status").asString()).isEqualTo("UP");
  }

  @Test
  void healthShowsTheRedisComponentButNoDetails() {
    DemoClient.Response health = new DemoClient(port).get("/actuator/health", null);

    assertThat(health.json().get("components").get("redis").get("status").asString()).isEqualTo("UP");
    assertThat(health.text()).doesNotContain("127.0.0.1", "details");
  }

  @Test
  void withoutATokenSecretTheServiceRefusesToStart() {
    SpringApplicationBuilder application = new SpringApplicationBuilder(DemoApplication.class, Sms.class)
        .profiles("prod")
        .properties("server.port=0", "cloutsy.redis.url=" + REDIS.get().uri(),
            "cloutsy.redis.otp.secret=" + TOKEN_SECRET, "spring.main.banner-mode=off",
            "cloutsy.redis.login.device-secret=" + DEVICE_SECRET);

    assertThatThrownBy(() -> application.run().close())
        .rootCause().hasMessageContaining("demo.token.secret is not set").hasMessageNotContaining(TOKEN_SECRET);
  }
}
