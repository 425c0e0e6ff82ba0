/**
 * The operations page at {@code /ops}: a static page that calls the JSON endpoints under {@code /ops/api} for Redis
 * health with a latency history, the keyspace by namespace, big keys, the slow log, a user's sessions with revoke
 * buttons and the rate-limit state of a caller, and the access rule that guards them.
 */
@NullMarked
package com.cloutsy.redis.demo.ops;

import org.jspecify.annotations.NullMarked;
