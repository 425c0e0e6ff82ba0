package com.cloutsy.redis.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedisEndpointTest {

  @Test
  void parsesHostAndPortAndKeepsTheUri() {
    String uri = "redis://app:pa55word@cache.internal:6390/2";

    RedisEndpoint endpoint = RedisEndpoint.fromUri(uri);

    assertThat(endpoint.host()).isEqualTo("cache.internal");
    assertThat(endpoint.port()).isEqualTo(6390);
    assertThat(endpoint.uri()).isEqualTo(uri);
  }

  @Test
  void defaultsToPort6379AndAcceptsTls() {
    assertThat(RedisEndpoint.fromUri("redis://localhost").port()).isEqualTo(6379);
    assertThat(RedisEndpoint.fromUri("rediss://redis.example:6380").port()).isEqualTo(6380);
  }

  @Test
  void toStringMasksThePassword() {
    assertThat(RedisEndpoint.fromUri("redis://app:pa55word@cache.internal:6390/2"))
        .hasToString("RedisEndpoint[host=cache.internal, port=6390, uri=redis://app:****@cache.internal:6390/2]");
    assertThat(RedisEndpoint.fromUri("redis://:pa55word@cache.internal:6390").toString())
        .contains("redis://:****@cache.internal").doesNotContain("pa55word");
    assertThat(RedisEndpoint.fromUri("redis://pa55word@cache.internal").toString()).doesNotContain("pa55word");
    assertThat(RedisEndpoint.fromUri("redis://cache.internal:6390").toString())
        .contains("uri=redis://cache.internal:6390");
  }

  @Test
  void rejectsWhatIsNotARedisUriWithoutEchoingIt() {
    assertThatThrownBy(() -> RedisEndpoint.fromUri("http://cache.internal:6379"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis://");
    assertThatThrownBy(() -> RedisEndpoint.fromUri("redis://:pa55 word@cache.internal"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed")
        .hasMessageNotContaining("pa55")
        .hasNoCause();
    assertThatThrownBy(() -> RedisEndpoint.fromUri("redis:///0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host");
    assertThatThrownBy(() -> new RedisEndpoint("localhost", 0, "redis://localhost:0"))
        .hasMessageContaining("port must be 1-65535");
  }
}
