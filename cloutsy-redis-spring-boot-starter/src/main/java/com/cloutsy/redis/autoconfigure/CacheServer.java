package com.cloutsy.redis.autoconfigure;

import com.cloutsy.redis.RedisService;

/**
 * The service the caches run on: with {@code REDIS_CACHE_URL} set, a service of its own on that server, which this
 * closes; otherwise the main service, which stays open.
 */
final class CacheServer implements AutoCloseable {

  private final RedisService service;
  private final boolean owned;

  private CacheServer(RedisService service, boolean owned) {
    this.service = service;
    this.owned = owned;
  }

  /** The cache's server for {@code main}'s settings, started through {@code factory} when it is a server of its own. */
  static CacheServer of(RedisService main, RedisServiceFactory factory) {
    if (main.settings().cacheUrl() == null) {
      return new CacheServer(main, false);
    }
    return new CacheServer(factory.start(main.settings().forCache()), true);
  }

  RedisService service() {
    return service;
  }

  /** Whether the cache has a server of its own, apart from the main service. */
  boolean isSeparate() {
    return owned;
  }

  @Override
  public void close() {
    if (owned) {
      service.close();
    }
  }

  @Override
  public String toString() {
    return "CacheServer[" + service + (owned ? ", own server" : ", main server") + "]";
  }
}
