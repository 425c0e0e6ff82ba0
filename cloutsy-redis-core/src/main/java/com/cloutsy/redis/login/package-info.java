/**
 * Brute-force protection for logins: {@link com.cloutsy.redis.login.LoginGuard} counts attempts per identifier and
 * client address, per identifier and per address, each with its own threshold and lockout, atomically in Lua, and
 * reports how long a lockout lasts so a web layer can answer with {@code Retry-After}. It fails closed.
 */
@NullMarked
package com.cloutsy.redis.login;

import org.jspecify.annotations.NullMarked;
