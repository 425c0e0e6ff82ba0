package com.cloutsy.redis.otp;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link OtpSender} that keeps what it was given, as an SMS provider's outbox would. */
final class RecordingSender implements OtpSender {

  private final List<OtpMessage> sent = new CopyOnWriteArrayList<>();
  private volatile boolean failing;

  @Override
  public CompletionStage<Void> send(OtpMessage message) {
    if (failing) {
      return CompletableFuture.failedFuture(new IllegalStateException("SMS provider unavailable"));
    }
    sent.add(message);
    return CompletableFuture.completedFuture(null);
  }

  void failFromNowOn(boolean failing) {
    this.failing = failing;
  }

  List<OtpMessage> sent() {
    return sent;
  }

  String lastCode() {
    return sent.get(sent.size() - 1).code();
  }
}
