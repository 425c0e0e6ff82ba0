package com.cloutsy.redis.resilience;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/*
 * Design notes. The machine has neither netem nor iptables, so network faults are made here, between the client and
 * redis-server on loopback. Each accepted connection gets an upstream connection and, per direction, a reader that
 * stamps each chunk with the time it may leave (never before the chunk ahead of it, so bytes stay in order) and a
 * writer that sends it then: latency without a throughput cap.
 * The blackhole makes readers and writers stop without closing anything, as a peer that silently died; the small
 * receive buffer of the accepted sockets means a client that keeps sending soon meets a zero window, which is what
 * lets TCP_USER_TIMEOUT notice on loopback, where the kernel would otherwise acknowledge everything. A reset closes
 * both sockets with SO_LINGER 0, so the client gets RST, not FIN.
 */
/** A TCP proxy on 127.0.0.1 in front of a Redis port, with latency, resets and a blackhole on demand. */
final class TcpProxy implements AutoCloseable {

  /** Receive buffer of the sockets facing the client; small so a stalled proxy closes the window quickly. */
  private static final int CLIENT_RECEIVE_BUFFER = 4096;
  private static final int CHUNK = 2048;

  private final int upstreamPort;
  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Pair> pairs = new CopyOnWriteArrayList<>();
  private final AtomicLong latencyNanos = new AtomicLong();
  private final AtomicBoolean blackhole = new AtomicBoolean();
  private final AtomicBoolean resetOnReply = new AtomicBoolean();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger resets = new AtomicInteger();
  private final Object gate = new Object();
  private volatile boolean closed;

  TcpProxy(int upstreamPort) {
    this.upstreamPort = upstreamPort;
    try {
      server = new ServerSocket();
      server.setReceiveBufferSize(CLIENT_RECEIVE_BUFFER);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot open the proxy's port", e);
    }
    acceptor = new Thread(this::accept, "resilience-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  int accepted() {
    return accepted.get();
  }

  int resets() {
    return resets.get();
  }

  /** Delays every chunk in both directions by {@code oneWay}; zero for none. */
  void latency(Duration oneWay) {
    latencyNanos.set(oneWay.toNanos());
  }

  /** Stops forwarding on every connection, present and future, without closing any. */
  void blackhole() {
    blackhole.set(true);
  }

  /** Forwards again what waited. */
  void heal() {
    synchronized (gate) {
      blackhole.set(false);
      gate.notifyAll();
    }
  }

  /**
   * Resets the connection that next carries a reply from the server: the command ran, its reply is dropped and the
   * client sees a connection reset instead.
   */
  void resetOnNextReply() {
    resetOnReply.set(true);
  }

  /** Whether an armed reset has happened. */
  boolean resetPending() {
    return resetOnReply.get();
  }

  @Override
  public void close() {
    closed = true;
    heal();
    try {
      server.close();
    } catch (IOException ignored) {
      // Closing is all that is wanted.
    }
    pairs.forEach(pair -> pair.close(false));
    try {
      acceptor.join(5_000);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException stopped) {
        return;
      }
      int number = accepted.incrementAndGet();
      try {
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        Pair pair = new Pair(client, upstream);
        pairs.add(pair);
        pair.start(number);
      } catch (IOException refused) {
        // Nothing listens upstream: the client sees the connection closed, as with a server that is down.
        closeQuietly(client, true);
      }
    }
  }

  /** A chunk of bytes and when it may be sent on. */
  private record Chunk(byte[] bytes, long due) {}

  /** One client connection and its upstream connection. */
  private final class Pair {
    private final Socket client;
    private final Socket upstream;
    private final AtomicBoolean done = new AtomicBoolean();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    Pair(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void start(int number) throws IOException {
      BlockingQueue<Chunk> requests = new LinkedBlockingQueue<>();
      BlockingQueue<Chunk> replies = new LinkedBlockingQueue<>();
      InputStream fromClient = client.getInputStream();
      OutputStream toClient = client.getOutputStream();
      InputStream fromServer = upstream.getInputStream();
      OutputStream toServer = upstream.getOutputStream();
      spawn("resilience-proxy-" + number + "-request-in", () -> read(fromClient, requests, false));
      spawn("resilience-proxy-" + number + "-request-out", () -> write(requests, toServer));
      spawn("resilience-proxy-" + number + "-reply-in", () -> read(fromServer, replies, true));
      spawn("resilience-proxy-" + number + "-reply-out", () -> write(replies, toClient));
    }

    private void spawn(String name, Runnable task) {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }

    private void read(InputStream in, BlockingQueue<Chunk> queue, boolean fromServer) {
      byte[] buffer = new byte[CHUNK];
      // Never earlier than the chunk before: when the latency drops, bytes must not overtake those still delayed.
      long lastDue = 0;
      try {
        while (!done.get()) {
          awaitForwarding();
          int read = in.read(buffer);
          if (read < 0) {
            close(false);
            return;
          }
          if (fromServer && resetOnReply.compareAndSet(true, false)) {
            resets.incrementAndGet();
            close(true);
            return;
          }
          lastDue = Math.max(lastDue, System.nanoTime() + latencyNanos.get());
          queue.add(new Chunk(Arrays.copyOf(buffer, read), lastDue));
        }
      } catch (IOException | InterruptedException gone) {
        close(false);
      }
    }

    private void write(BlockingQueue<Chunk> queue, OutputStream out) {
      try {
        while (!done.get()) {
          Chunk chunk = queue.poll(100, TimeUnit.MILLISECONDS);
          if (chunk == null) {
            continue;
          }
          // Due times never decrease along the queue, so waiting for the head keeps the bytes in order.
          for (long left = chunk.due() - System.nanoTime(); left > 0; left = chunk.due() - System.nanoTime()) {
            LockSupport.parkNanos(left);
          }
          awaitForwarding();
          out.write(chunk.bytes());
          out.flush();
        }
      } catch (IOException | InterruptedException gone) {
        close(false);
      }
    }

    void close(boolean reset) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      pairs.remove(this);
      closeQuietly(client, reset);
      closeQuietly(upstream, reset);
    }
  }

  private void awaitForwarding() throws InterruptedException {
    synchronized (gate) {
      while (blackhole.get() && !closed) {
        gate.wait(100);
      }
    }
  }

  private static void closeQuietly(Socket socket, boolean reset) {
    try {
      if (reset) {
        socket.setSoLinger(true, 0);
      }
      socket.close();
    } catch (IOException ignored) {
      // Closing is all that is wanted.
    }
  }
}
