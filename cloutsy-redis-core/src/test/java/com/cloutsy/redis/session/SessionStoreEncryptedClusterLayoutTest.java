package com.cloutsy.redis.session;

import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.keys.KeyLayout;

/** The session contract in the cluster key layout with AES-GCM encrypted values. */
@WithRedis
class SessionStoreEncryptedClusterLayoutTest extends SessionStoreContract {

  SessionStoreEncryptedClusterLayoutTest(RedisEndpoint endpoint) {
    super(endpoint, KeyLayout.CLUSTER, TestKeys.ENCRYPTION);
  }
}
