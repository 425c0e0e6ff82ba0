package com.cloutsy.redis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.cache.RedisCache;
import com.cloutsy.redis.demo.api.NicheCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The {@code /api} routes: the cached niche list, per-caller rate limits, notifications; and Actuator. */
class ApiRoutesTest extends DemoContext {

  @Autowired
  private RedisCache cache;

  @Autowired
  private RedisService redis;

  @Autowired
  private NicheCatalog catalog;

  @Test
  void theNicheListIsQueriedOnceThenServedFromRedis() {
    cache.invalidate(redis.keyNames().cache("niches", "all"));
    long before = catalog.queries();
    DemoClient.Login login = client().loginWithPhone(DemoClient.newPhone(), "cache", "CacheTest/1");

    DemoClient.Response miss = client().get("/api/niches", login.token());
    DemoClient.Response hit = client().get("/api/niches", login.token());
    DemoClient.Response anonymousHit = client().get("/api/niches", null);

    assertThat(miss.header("X-Cache")).hasValue("MISS");
    assertThat(hit.header("X-Cache")).hasValue("HIT");
    assertThat(anonymousHit.header("X-Cache")).hasValue("HIT");
    assertThat(catalog.queries() - before).isEqualTo(1);
    assertThat(hit.json().get(0).get("id").asString()).isEqualTo("fashion");
    assertThat(redis.get(redis.keyNames().cache("niches", "all"))).isNotNull();
  }

  @Test
  void usersAreCountedApartAndAnonymousCallersByTheirAddress() {
    DemoClient.Login alice = client().loginWithPhone(DemoClient.newPhone(), "a", "A/1");
    DemoClient.Login bob = client().loginWithPhone(DemoClient.newPhone(), "b", "B/1");

    client().get("/api/niches", alice.token());
    DemoClient.Response aliceSecond = client().get("/api/niches", alice.token());
    DemoClient.Response bobFirst = client().get("/api/niches", bob.token());

    assertThat(aliceSecond.header("RateLimit-Remaining")).hasValue("28");
    assertThat(bobFirst.header("RateLimit-Remaining")).hasValue("29");
    assertThat(redis.exists(redis.keyNames().apiLimit(alice.userId(), "niches"),
        redis.keyNames().apiLimit(bob.userId(), "niches"))).isEqualTo(2);
    client().get("/api/niches", null);
    assertThat(redis.exists(redis.keyNames().apiLimit("ip:127.0.0.1", "niches"))).isEqualTo(1);
  }

  @Test
  void aNotificationReachesOnlyTheStreamsOfItsUser() throws Exception {
    DemoClient.Login alice = client().loginWithPhone(DemoClient.newPhone(), "a", "A/1");
    DemoClient.Login bob = client().loginWithPhone(DemoClient.newPhone(), "b", "B/1");

    try (EventStream aliceStream = EventStream.open(client(), "/api/notifications/stream", alice.token());
        EventStream bobStream = EventStream.open(client(), "/api/notifications/stream", bob.token())) {
      aliceStream.awaitLine("event:ready");
      bobStream.awaitLine("event:ready");
      client().post("/api/notifications", "{\"userId\":\"" + bob.userId() + "\",\"type\":\"like\"}", null);
      client().post("/api/notifications",
          "{\"userId\":\"" + alice.userId() + "\",\"type\":\"message\",\"data\":[1,2]}", null);

      aliceStream.awaitLine("\"type\":\"message\"");
      bobStream.awaitLine("\"type\":\"like\"");
      assertThat(aliceStream.lines()).noneMatch(line -> line.contains("\"like\""));
      assertThat(bobStream.lines()).noneMatch(line -> line.contains("\"message\""));
    }
  }

  @Test
  void aSixthStreamOfOneUserEndsTheOldest() throws Exception {
    DemoClient.Login login = client().loginWithPhone(DemoClient.newPhone(), "tabs", "Tabs/1");
    List<EventStream> streams = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        EventStream stream = EventStream.open(client(), "/api/notifications/stream", login.token());
        streams.add(stream);
        stream.awaitLine("event:ready");
      }

      await().atMost(Duration.ofSeconds(10)).until(() -> streams.get(0).ended());
      assertThat(streams.subList(1, 6)).noneMatch(EventStream::ended);
    } finally {
      for (EventStream stream : streams) {
        stream.close();
      }
    }
  }

  @Test
  void theStreamNeedsASessionAndAPublishNeedsAUserAndAType() {
    assertThat(client().get("/api/notifications/stream", null).status()).isEqualTo(401);
    DemoClient.Response noUser = client().post("/api/notifications", "{\"type\":\"message\"}", null);
    DemoClient.Response noType = client().post("/api/notifications", "{\"userId\":\"42\"}", null);

    assertThat(noUser.status()).isEqualTo(400);
    assertThat(noUser.field("error")).isEqualTo("invalid_userId");
    assertThat(noType.field("error")).isEqualTo("invalid_type");
  }

  @Test
  void anUnknownRouteAndAWrongMethodAnswerTheJsonErrorBody() {
    DemoClient.Response unknown = client().get("/api/nothing-here", null);
    DemoClient.Response method = client().delete("/api/niches", null);

    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.field("error")).isEqualTo("not_found");
    assertThat(unknown.field("message")).contains("/api/nothing-here");
    assertThat(method.status()).isEqualTo(405);
    assertThat(method.field("error")).isEqualTo("method_not_allowed");
  }

  @Test
  void actuatorShowsTheRedisComponentTheMetricsAndPrometheus() {
    client().get("/api/niches", null);

    DemoClient.Response health = client().get("/actuator/health", null);
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("status").asString()).isEqualTo("UP");
    assertThat(health.json().get("components").get("redis").get("status").asString()).isEqualTo("UP");
    assertThat(health.json().get("components").get("redis").get("details").get("version").asString()).isNotBlank();
    assertThat(health.json().get("components").has("cloutsyRedis")).isFalse();

    DemoClient.Response gets = client().get("/actuator/metrics/cloutsy.redis.cache.gets", null);
    assertThat(gets.status()).isEqualTo(200);
    assertThat(gets.json().get("measurements").get(0).get("value").asDouble()).isPositive();

    DemoClient.Response prometheus = client().get("/actuator/prometheus", null);
    assertThat(prometheus.status()).isEqualTo(200);
    assertThat(prometheus.text()).contains("cloutsy_redis_cache_gets_total", "cloutsy_redis_ratelimit_decisions",
        "lettuce_command_completion");
  }
}
