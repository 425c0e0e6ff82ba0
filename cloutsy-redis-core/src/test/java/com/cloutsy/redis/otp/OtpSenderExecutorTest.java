package com.cloutsy.redis.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.keys.KeyLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Codes are sent on the guard's own bounded executor: a stalled SMS provider holds a bounded number of requests. */
@RunsAs(LeastPrivilege.OTP)
@WithRedis
class OtpSenderExecutorTest {

  private final RedisEndpoint endpoint;

  OtpSenderExecutorTest(RedisEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  @Test
  void aStalledSenderHoldsAtMostTheThreadsAndTheQueueAndTheRestFailAtOnceRegression16() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Set<Thread> senderThreads = ConcurrentHashMap.newKeySet();
    OtpSender stalled = message -> {
      senderThreads.add(Thread.currentThread());
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      return CompletableFuture.completedFuture(null);
    };
    int beyond = 5;
    int requests = OtpGuard.SENDER_THREADS + OtpGuard.SENDER_QUEUE + beyond;
    try (RedisService redis = TestRedis.start(endpoint, KeyLayout.SEED);
        OtpGuard guard = OtpGuard.create(redis, OtpPolicy.defaults(OtpGuardTest.SECRET), stalled)) {
      List<CompletableFuture<OtpRequestResult>> results = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        CompletionStage<OtpRequestResult> result = guard.requestAsync("+1555" + (2_000_000 + i), "login");
        results.add(result.toCompletableFuture());
      }

      await().atMost(Duration.ofSeconds(20))
          .until(() -> results.stream().filter(CompletableFuture::isDone).count() == beyond);
      assertThat(results.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join))
          .allSatisfy(result -> assertThat(result).isInstanceOfSatisfying(OtpRequestResult.SendFailed.class,
              failed -> assertThat(failed.cause()).isInstanceOf(RejectedExecutionException.class)));
      assertThat(senderThreads).hasSize(OtpGuard.SENDER_THREADS)
          .allMatch(thread -> thread.getName().startsWith("cloutsy-otp-sender-") && thread.isDaemon());

      release.countDown();
      CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      assertThat(results.stream().map(CompletableFuture::join).filter(OtpRequestResult.Issued.class::isInstance))
          .hasSize(OtpGuard.SENDER_THREADS + OtpGuard.SENDER_QUEUE);
    }
    await("close() stops the guard's sender threads").atMost(Duration.ofSeconds(10))
        .until(() -> senderThreads.stream().noneMatch(Thread::isAlive));
  }
}
