package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloutsy.redis.script.MalformedReplyException;
import com.cloutsy.redis.script.Reply;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashWriteTest {

  @Test
  void readsTheFieldsAddedAndRefusesAnyOtherShapeNamingTheScript() {
    assertThat(HashWrite.fromReply(Reply.of("hash-cache-put.lua", 2L)).added()).isEqualTo(2);
    assertThat(HashWrite.fromReply(Reply.of("hash-cache-put.lua", List.of(0L))).added()).isZero();
    assertThatThrownBy(() -> HashWrite.fromReply(Reply.of("hash-cache-put.lua", List.of(1L, 2L))))
        .isInstanceOf(MalformedReplyException.class).hasMessageContaining("hash-cache-put.lua");
    assertThatThrownBy(() -> HashWrite.fromReply(Reply.of("hash-cache-put.lua", "OK")))
        .isInstanceOf(MalformedReplyException.class).hasMessageContaining("hash-cache-put.lua");
  }
}
