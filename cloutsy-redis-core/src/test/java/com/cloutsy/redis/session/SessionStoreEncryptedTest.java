package com.cloutsy.redis.session;

/** The session contract with AES-GCM encrypted values. */
class SessionStoreEncryptedTest extends SessionStoreContract {

  SessionStoreEncryptedTest() {
    super(TestKeys.ENCRYPTION);
  }
}
