package com.cloutsy.redis.login;

/** Which failure counter a lockout belongs to. */
public enum LockScope {
  /** One identifier from one client address: locks first, and only that address. */
  PAIR,
  /** One identifier from any address: locks only at a higher threshold, so one address cannot lock a victim out. */
  IDENTIFIER,
  /** One client address, whatever identifiers it tries: catches credential stuffing from one source. */
  ADDRESS,
  /**
   * One known device of an identifier (a device token the service signed at an earlier login): the only counter such
   * a login counts against, so an attack on the identifier from elsewhere does not lock its owner's devices out.
   */
  DEVICE
}
