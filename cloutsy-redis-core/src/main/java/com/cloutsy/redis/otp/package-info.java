/**
 * One-time passwords by SMS: {@link com.cloutsy.redis.otp.OtpGuard} issues a code within a cooldown and a request
 * quota, stores only its HMAC, verifies it with a bounded number of attempts and keeps the phone verified for a
 * window that can be spent once. Every step is one atomic Lua script on the seed's {@code otp:*} keys, and every
 * step fails closed: when Redis cannot be asked, nothing is issued or verified.
 */
@NullMarked
package com.cloutsy.redis.otp;

import org.jspecify.annotations.NullMarked;
