package com.cloutsy.redis.session;

import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.keys.KeyLayout;

/** The session contract in the seed key layout with AES-GCM encrypted values. */
@WithRedis
class SessionStoreEncryptedSeedLayoutTest extends SessionStoreContract {

  SessionStoreEncryptedSeedLayoutTest(RedisEndpoint endpoint) {
    super(endpoint, KeyLayout.SEED, TestKeys.ENCRYPTION);
  }
}
