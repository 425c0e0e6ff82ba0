/**
 * The auth API on the starter's beans: phone verification ({@code OtpGuard}), password login ({@code LoginGuard}),
 * sessions across devices ({@code SessionStore}) with HMAC-signed opaque tokens, the interceptor that authenticates
 * them, and the demo's stand-in user directory.
 */
@NullMarked
package com.cloutsy.redis.demo.auth;

import org.jspecify.annotations.NullMarked;
