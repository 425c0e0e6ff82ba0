package com.cloutsy.redis.login;

/** Which failure counter a lockout belongs to. */
public enum LockScope {
  /** One identifier from one client address: locks first, and only that address. */
  PAIR,
  /** One identifier from any address: locks only at a higher threshold, so one address cannot lock a victim out. */
  IDENTIFIER,
  /** One client address, whatever identifiers it tries: catches credential stuffing from one source. */
  ADDRESS
}
