package com.cloutsy.redis.session;

import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.keys.KeyLayout;

/** The session contract in the cluster key layout with plain JSON values. */
@WithRedis
class SessionStoreClusterLayoutTest extends SessionStoreContract {

  SessionStoreClusterLayoutTest(RedisEndpoint endpoint) {
    super(endpoint, KeyLayout.CLUSTER, null);
  }
}
