package com.cloutsy.redis.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Script replies read by position, and a reply of another shape named by its script. */
class ReplyTest {

  @Test
  void readsIntegersTextsNilsAndNestedTables() {
    Reply reply = Reply.of("test.lua", Arrays.asList(1L, "text", "bytes".getBytes(StandardCharsets.UTF_8), null,
        List.of(7L)));

    assertThat(reply.size()).isEqualTo(5);
    assertThat(reply.integer(0)).isEqualTo(1);
    assertThat(reply.smallInteger(0)).isEqualTo(1);
    assertThat(reply.text(1)).isEqualTo("text");
    assertThat(reply.text(2)).isEqualTo("bytes");
    assertThat(reply.text(3)).isNull();
    assertThat(reply.list(4).integer(0)).isEqualTo(7);
    assertThat(Reply.of("test.lua", 42L).integer(0)).as("a single value").isEqualTo(42);
  }

  @Test
  void aReplyOfAnotherShapeNamesTheScriptThePositionAndWhatWasThereButNoValue() {
    Reply reply = Reply.of("session-touch.lua", List.of(1L, "secret-device"));

    assertThatThrownBy(() -> reply.integer(1)).isInstanceOf(MalformedReplyException.class)
        .hasMessage("session-touch.lua replied a String at position 2, expected an integer");
    assertThatThrownBy(() -> reply.text(0)).hasMessage("session-touch.lua replied an integer at position 1,"
        + " expected text");
    assertThatThrownBy(() -> reply.integer(2)).hasMessage("session-touch.lua replied 2 values, expected one at"
        + " position 3");
    assertThatThrownBy(() -> Reply.of("x.lua", List.of(1L << 40)).smallInteger(0))
        .hasMessage("x.lua replied an integer at position 1, expected an integer of 32 bits");
    assertThat(reply.toString()).doesNotContain("secret-device");
  }
}
