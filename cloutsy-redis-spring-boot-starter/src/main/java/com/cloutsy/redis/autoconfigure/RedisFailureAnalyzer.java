package com.cloutsy.redis.autoconfigure;

import com.cloutsy.redis.RedisMisconfigurationException;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.config.InvalidSettingException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Reports a start-up that failed for cloutsy-redis as a description and an action, instead of a stack trace: a property
 * or variable whose value cannot be used (naming it and what was expected), and a Redis that cannot be reached or
 * refuses the credentials (naming the address and the user, never a password). Registered in {@code
 * META-INF/spring.factories}.
 */
final class RedisFailureAnalyzer implements FailureAnalyzer {

  /** Creates the analyzer; Spring Boot does. */
  RedisFailureAnalyzer() {}

  @Override
  public @Nullable FailureAnalysis analyze(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof RedisPropertyException property) {
        return new FailureAnalysis(property.getMessage(), property.action(), property);
      }
      if (cause instanceof InvalidSettingException setting) {
        String variable = setting.setting();
        String action = RedisSettingsFactory.propertyFor(variable)
            .map(property -> "Correct the environment variable " + variable + ", or set " + property
                + ", which wins over it.")
            .orElse("Correct the setting " + variable + ".");
        return new FailureAnalysis(setting.getMessage(), action, setting);
      }
      if (cause instanceof RedisMisconfigurationException misconfigured) {
        return new FailureAnalysis("cloutsy-redis could not start: " + misconfigured.getMessage(),
            "Set the user and password Redis expects in cloutsy.redis.username and cloutsy.redis.password"
                + " (REDIS_USERNAME, REDIS_PASSWORD) or in the URL, and give that ACL user the rights"
                + " docs/OPERATIONS.md lists.", misconfigured);
      }
      if (cause instanceof RedisUnavailableException unavailable) {
        return new FailureAnalysis("cloutsy-redis could not start: " + unavailable.getMessage(),
            "Check that Redis runs at that address and accepts the credentials, or point the service at another"
                + " server with cloutsy.redis.url (REDIS_URL), or cloutsy.redis.host and cloutsy.redis.port"
                + " (REDIS_HOST, REDIS_PORT). cloutsy.redis.enabled=false starts the service without Redis.",
            unavailable);
      }
    }
    return null;
  }
}
