package com.cloutsy.redis.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AclUserTest {

  @Test
  void usersFromTheBuilderLogInWithTheirRightsAndTheirPasswordsAreNeverPrinted() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.builder()
        .user("default", "off")
        .user("reader", "on >reader-Secret ~* +@read +@connection")
        .start();
        RespConnection connection = RespConnection.open(redis.host(), redis.port(), Loopback.TIMEOUT)) {
      assertThat(redis.toString()).contains("user=****").doesNotContain("reader-Secret");
      assertThat(connection.call("GET", "k")).isInstanceOfSatisfying(RespConnection.ErrorReply.class,
          error -> assertThat(error.message()).startsWith("NOAUTH"));

      assertThat(connection.call("AUTH", "reader", "reader-Secret")).isEqualTo("OK");
      assertThat(connection.call("GET", "k")).isNull();
      assertThat(connection.call("SET", "k", "v")).isInstanceOfSatisfying(RespConnection.ErrorReply.class,
          error -> assertThat(error.message()).startsWith("NOPERM"));
      assertThat(connection.call("ACL", "WHOAMI")).isInstanceOf(RespConnection.ErrorReply.class);
      assertThat(redis.isRunning()).isTrue();
    }
  }

  @Test
  void userNamesAndRulesCannotInjectConfigLines() {
    assertThatThrownBy(() -> EmbeddedRedis.builder().user("bad name", "on"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EmbeddedRedis.builder().user("app", "on\nrequirepass x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
