/**
 * User sessions and their devices: {@link com.cloutsy.redis.session.SessionStore} creates, reads, touches, lists
 * and revokes a user's sessions in the seed's storage format ({@code session:{userId}:{jti}} JSON values and the
 * {@code sessions:{userId}} set), each flow one Lua script; {@link com.cloutsy.redis.session.SessionPolicy} sets
 * lifetimes, the per-user limit and optional AES-GCM encryption at rest. Fails closed when Redis is unreachable.
 */
@NullMarked
package com.cloutsy.redis.session;

import org.jspecify.annotations.NullMarked;
