package com.cloutsy.redis.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

@WithRedis
class EmbeddedRedisExtensionTest {

  private final RedisEndpoint shared;

  EmbeddedRedisExtensionTest(RedisEndpoint shared) {
    this.shared = shared;
  }

  @Test
  void sharedEndpointIsTheSameForConstructorAndMethod(RedisEndpoint again) {
    assertThat(again).isSameAs(shared);
  }

  @Test
  void sharedEmbeddedServerAnswers() throws Exception {
    if (System.getenv(SharedRedis.URL_VARIABLE) == null) {
      assertThat(Loopback.ping(shared.port())).isEqualTo("PONG");
    }
  }

  @Test
  void dedicatedServerIsItsOwn(EmbeddedRedis own, EmbeddedRedis another) throws Exception {
    assertThat(own.port()).isNotEqualTo(shared.port()).isNotEqualTo(another.port());
    assertThat(own.isRunning()).isTrue();

    own.stop();

    assertThat(another.isRunning()).isTrue();
    assertThat(Loopback.ping(another.port())).isEqualTo("PONG");
  }
}
