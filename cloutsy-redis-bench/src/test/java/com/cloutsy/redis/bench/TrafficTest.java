package com.cloutsy.redis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TrafficTest {

  /** EVALSHA with a body that looks like a request header, then GET, then a MULTI ... EXEC batch. */
  private static final String STREAM = "*5\r\n$7\r\nEVALSHA\r\n$4\r\nabcd\r\n$1\r\n1\r\n$3\r\nk:1\r\n$6\r\n*2\r\n$3\r\n"
      + "*2\r\n$3\r\nGET\r\n$5\r\nkey:1\r\n"
      + "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$0\r\n\r\n"
      + "*2\r\n$4\r\nINCR\r\n$1\r\nb\r\n*1\r\n$4\r\nEXEC\r\n";

  @Test
  void countsEveryRequestOfAStream() {
    assertThat(new Traffic.RequestParser().requests(bytes(STREAM))).isEqualTo(6);
  }

  @Test
  void countsTheSameWhereverTheStreamIsCut() {
    for (int cut = 0; cut <= STREAM.length(); cut++) {
      Traffic.RequestParser parser = new Traffic.RequestParser();
      int counted = parser.requests(bytes(STREAM.substring(0, cut))) + parser.requests(bytes(STREAM.substring(cut)));
      assertThat(counted).as("cut at %d", cut).isEqualTo(6);
    }
  }

  @Test
  void countsByteByByte() {
    Traffic.RequestParser parser = new Traffic.RequestParser();
    int counted = 0;
    for (int i = 0; i < STREAM.length(); i++) {
      counted += parser.requests(bytes(STREAM.substring(i, i + 1)));
    }
    assertThat(counted).isEqualTo(6);
  }

  @Test
  void leavesTheBufferUnread() {
    ByteBuf buffer = bytes(STREAM);
    new Traffic.RequestParser().requests(buffer);
    assertThat(buffer.readableBytes()).isEqualTo(STREAM.length());
  }

  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
  }
}
