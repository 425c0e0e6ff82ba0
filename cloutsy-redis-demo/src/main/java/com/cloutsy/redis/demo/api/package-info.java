/**
 * The demo's application API under {@code /api}, every route rate limited per user (or address) by the starter's
 * {@code @RateLimited}: the niche list cached through {@code RedisCache}, and notifications published on the
 * {@code EventBus} and streamed to their user as Server-Sent Events.
 */
@NullMarked
package com.cloutsy.redis.demo.api;

import org.jspecify.annotations.NullMarked;
