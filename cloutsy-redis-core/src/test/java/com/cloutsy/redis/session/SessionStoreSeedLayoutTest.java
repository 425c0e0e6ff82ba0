package com.cloutsy.redis.session;

import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.keys.KeyLayout;

/** The session contract in the seed key layout with plain JSON values. */
@WithRedis
class SessionStoreSeedLayoutTest extends SessionStoreContract {

  SessionStoreSeedLayoutTest(RedisEndpoint endpoint) {
    super(endpoint, KeyLayout.SEED, null);
  }
}
