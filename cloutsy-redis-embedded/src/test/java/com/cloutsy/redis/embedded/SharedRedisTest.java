package com.cloutsy.redis.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SharedRedisTest {

  @Test
  void usesRedisUrlWithoutStartingAServer() {
    try (SharedRedis shared = SharedRedis.open(Map.of("REDIS_URL", "redis://:pa55word@redis.example:6390/1"))) {
      assertThat(shared.endpoint().host()).isEqualTo("redis.example");
      assertThat(shared.endpoint().port()).isEqualTo(6390);
      assertThat(shared.endpoint().uri()).isEqualTo("redis://:pa55word@redis.example:6390/1");
      assertThat(shared.server()).isNull();
    }
  }

  @Test
  void startsAServerWhenRedisUrlIsUnset() throws Exception {
    SharedRedis shared = SharedRedis.open(Map.of("REDIS_URL", " "));
    EmbeddedRedis server = shared.server();
    assertThat(server).isNotNull();
    assertThat(Loopback.ping(shared.endpoint().port())).isEqualTo("PONG");

    shared.close();

    assertThat(server.isRunning()).isFalse();
  }

  @Test
  void namesRedisUrlWhenItIsInvalid() {
    assertThatThrownBy(() -> SharedRedis.open(Map.of("REDIS_URL", "localhost:6379")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("REDIS_URL: ");
  }
}
