package com.cloutsy.redis.demo.auth;

import com.cloutsy.redis.otp.OtpMessage;
import com.cloutsy.redis.otp.OtpSender;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The dev profile's stand-in for an SMS provider: logs each code and hands it to the OTP route, which returns it
 * as {@code devCode}, so the flow can be tried with curl. Never active with the {@code prod} profile, where a real
 * {@link OtpSender} bean must deliver the codes and nothing reveals them.
 */
@Component
@Profile("dev & !prod")
public final class DevOtpSender implements OtpSender {

  private static final Logger log = LoggerFactory.getLogger(DevOtpSender.class);

  /** The code last sent to each phone and purpose, until the OTP route takes it. */
  private final Map<String, String> unclaimed = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<Void> send(OtpMessage message) {
    log.info("DEV ONLY, no SMS provider: code {} for {} ({}, valid {} s)", message.code(), message.phone(),
        message.purpose(), message.expiresIn().toSeconds());
    unclaimed.put(message.phone() + " " + message.purpose(), message.code());
    return CompletableFuture.completedFuture(null);
  }

  /** Takes the code just sent to {@code phone} for {@code purpose}, once. */
  Optional<String> take(String phone, String purpose) {
    return Optional.ofNullable(unclaimed.remove(phone + " " + purpose));
  }

  @Override
  public String toString() {
    return "DevOtpSender[" + unclaimed.size() + " unclaimed]";
  }
}
