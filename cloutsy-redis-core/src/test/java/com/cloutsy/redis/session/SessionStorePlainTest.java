package com.cloutsy.redis.session;

/** The session contract with plain JSON values. */
class SessionStorePlainTest extends SessionStoreContract {

  SessionStorePlainTest() {
    super(null);
  }
}
