package com.cloutsy.redis.autoconfigure;

import com.cloutsy.redis.autoconfigure.web.RateLimitKeyResolver;
import com.cloutsy.redis.autoconfigure.web.RateLimited;

/**
 * Whom a {@link RateLimited} route counts requests of. Beside the properties, which name it too, so that the web
 * package depends on this one and not the other way round.
 */
public enum RateLimitKey {

  /**
   * The user, as {@link RateLimitKeyResolver#userId} names them (by default the request's principal); an anonymous
   * request counts against its client address. The key is the seed's {@code api:limit:{userId}:{endpoint}}.
   */
  USER,

  /** The client address, as {@link RateLimitKeyResolver#clientAddress} gives it, whoever is logged in. */
  IP
}
