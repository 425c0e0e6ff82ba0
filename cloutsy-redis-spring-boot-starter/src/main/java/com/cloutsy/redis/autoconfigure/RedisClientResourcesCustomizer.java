package com.cloutsy.redis.autoconfigure;

import io.lettuce.core.resource.ClientResources;

/**
 * Adjusts the Lettuce {@link ClientResources} that the starter builds for its own {@code RedisService}, for instance
 * to add tracing. Declare one as a bean; every one is applied, in {@code @Order}. It is not applied to shared
 * resources (a {@code ClientResources} bean of Spring Data Redis or of the application): those belong to their
 * owner, who configures them (for Spring Data Redis with a {@code ClientResourcesBuilderCustomizer}).
 */
@FunctionalInterface
public interface RedisClientResourcesCustomizer {

  /** Adjusts the builder; the starter has already set its reconnect delay, which this may replace. */
  void customize(ClientResources.Builder builder);
}
