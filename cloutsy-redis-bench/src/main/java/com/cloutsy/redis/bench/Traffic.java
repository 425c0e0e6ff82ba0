package com.cloutsy.redis.bench;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.atomic.LongAdder;
import org.redisson.client.NettyHook;

/*
 * What clients send, counted on the wire so that every client is counted alike: a handler at the socket end of each
 * channel's pipeline sees the encoded bytes of Lettuce (this project, Bucket4j, Spring) and of Redisson. It counts
 * the commands in them (each request is a RESP array; only the headers are read, bodies are skipped) and the
 * flushes that carry at least one write. With one caller in flight, every flush is a request the caller waits for,
 * so flushes per operation are its round trips; a pipelined MULTI ... EXEC sent in one flush is one round trip.
 */
/** Counts the commands and the flushes (round trips, with one caller) of every client built on its hooks. */
final class Traffic implements NettyCustomizer, NettyHook {

  private final LongAdder commands = new LongAdder();
  private final LongAdder flushes = new LongAdder();

  /** The counts so far. */
  record Count(long commands, long flushes) {

    Count since(Count earlier) {
      return new Count(commands - earlier.commands, flushes - earlier.flushes);
    }
  }

  Count count() {
    return new Count(commands.sum(), flushes.sum());
  }

  @Override
  public void afterChannelInitialized(Channel channel) {
    watch(channel);
  }

  @Override
  public void afterBoostrapInitialization(Bootstrap bootstrap) {}

  @Override
  public void afterChannelInitialization(Channel channel) {
    watch(channel);
  }

  private void watch(Channel channel) {
    channel.pipeline().addFirst("cloutsy-bench-traffic", new Counter());
  }

  /** One per channel; Netty calls it on the channel's event loop only. */
  private final class Counter extends ChannelOutboundHandlerAdapter {

    private final RequestParser parser = new RequestParser();
    private boolean written;

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // the promise passed on reports the write to its owner
    public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
      if (message instanceof ByteBuf bytes) {
        int requests = parser.requests(bytes);
        if (requests > 0) {
          commands.add(requests);
        }
        written |= bytes.isReadable();
      }
      context.write(message, promise);
    }

    @Override
    public void flush(ChannelHandlerContext context) {
      if (written) {
        flushes.increment();
        written = false;
      }
      context.flush();
    }
  }

  /**
   * Counts RESP requests ({@code *<n>\r\n} followed by n bulk strings {@code $<len>\r\n<bytes>\r\n}) in a stream that
   * may be cut anywhere. Not thread-safe; one per channel.
   */
  static final class RequestParser {

    private enum State { ARRAY, ARRAY_LENGTH, BULK, BULK_LENGTH, BODY }

    private State state = State.ARRAY;
    private long number;
    private long bulksLeft;
    private long bodyLeft;

    /** Reads {@code bytes} without consuming them and returns how many requests began in them. */
    int requests(ByteBuf bytes) {
      int started = 0;
      int index = bytes.readerIndex();
      int end = bytes.writerIndex();
      while (index < end) {
        switch (state) {
          case ARRAY -> {
            if (bytes.getByte(index++) == '*') {
              started++;
              number = 0;
              state = State.ARRAY_LENGTH;
            }
          }
          case ARRAY_LENGTH -> {
            byte b = bytes.getByte(index++);
            if (b == '\n') {
              bulksLeft = number;
              state = bulksLeft > 0 ? State.BULK : State.ARRAY;
            } else if (b >= '0' && b <= '9') {
              number = number * 10 + (b - '0');
            }
          }
          case BULK -> {
            if (bytes.getByte(index++) == '$') {
              number = 0;
              state = State.BULK_LENGTH;
            }
          }
          case BULK_LENGTH -> {
            byte b = bytes.getByte(index++);
            if (b == '\n') {
              bodyLeft = number + 2;
              state = State.BODY;
            } else if (b >= '0' && b <= '9') {
              number = number * 10 + (b - '0');
            }
          }
          case BODY -> {
            int skipped = (int) Math.min(bodyLeft, end - index);
            index += skipped;
            bodyLeft -= skipped;
            if (bodyLeft == 0) {
              state = --bulksLeft > 0 ? State.BULK : State.ARRAY;
            }
          }
        }
      }
      return started;
    }
  }
}
