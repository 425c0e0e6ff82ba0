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

  @Test
  void theClusterTopologyUsesRedisClusterNodesWithoutStartingOne() {
    try (SharedRedis shared = SharedRedis.open(Map.of("REDIS_CLUSTER_NODES", "10.0.0.1:7000, 10.0.0.2:7001"),
        Map.of("cloutsy.redis.topology", "cluster"))) {
      assertThat(shared.endpoint().isCluster()).isTrue();
      assertThat(shared.endpoint().clusterNodes()).containsExactly("10.0.0.1:7000", "10.0.0.2:7001");
      assertThat(shared.endpoint().host()).isEqualTo("10.0.0.1");
      assertThat(shared.server()).isNull();
    }
  }

  @Test
  void anUnknownTopologyIsRefusedByName() {
    assertThatThrownBy(() -> SharedRedis.open(Map.of(), Map.of("cloutsy.redis.topology", "ring")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cloutsy.redis.topology must be single or cluster, was \"ring\"");
  }
}
