package com.cloutsy.redis.autoconfigure;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.config.RedisSettings;
import io.lettuce.core.resource.ClientResources;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Creates and starts the starter's services (the main one and, with {@code REDIS_CACHE_URL}, the cache's) on the
 * Lettuce resources chosen once for the context: a shared {@link ClientResources} bean, or resources of their own
 * adjusted by every {@link RedisClientResourcesCustomizer}. As a bean, it ties the services' shutdown before that
 * of the shared resources they run on.
 */
final class RedisServiceFactory {

  private final @Nullable ClientResources shared;
  private final List<RedisClientResourcesCustomizer> customizers;

  private RedisServiceFactory(@Nullable ClientResources shared, List<RedisClientResourcesCustomizer> customizers) {
    this.shared = shared;
    this.customizers = List.copyOf(customizers);
  }

  /** Services on shared resources, which their owner shuts down. */
  static RedisServiceFactory shared(ClientResources resources) {
    return new RedisServiceFactory(resources, List.of());
  }

  /** Services with Lettuce resources of their own, which each closes with itself. */
  static RedisServiceFactory own(List<RedisClientResourcesCustomizer> customizers) {
    return new RedisServiceFactory(null, customizers);
  }

  /** Whether the services run on shared resources. */
  boolean isShared() {
    return shared != null;
  }

  /**
   * A started service.
   *
   * @throws com.cloutsy.redis.RedisUnavailableException if the server cannot be reached
   */
  RedisService start(RedisSettings settings) {
    ClientResources resources = shared;
    RedisService service = resources != null ? RedisService.create(settings, resources)
        : RedisService.create(settings, builder -> {
          customizers.forEach(customizer -> customizer.customize(builder));
          return builder;
        });
    try {
      return service.start();
    } catch (RuntimeException unreachable) {
      service.close();
      throw unreachable;
    }
  }

  @Override
  public String toString() {
    return "RedisServiceFactory[" + (shared != null ? "shared resources" : "own resources") + "]";
  }
}
