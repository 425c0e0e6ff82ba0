/**
 * Typed publish/subscribe: {@link com.cloutsy.redis.pubsub.EventBus} publishes events as JSON (through the
 * {@link com.cloutsy.redis.codec.Codec}) and delivers them to channel and pattern
 * {@link com.cloutsy.redis.pubsub.Subscription subscriptions} on one dedicated subscriber connection, off the I/O
 * thread, in order per subscription, with listener failures isolated and a bounded queue per subscription.
 * Delivery is at-most-once.
 */
@NullMarked
package com.cloutsy.redis.pubsub;

import org.jspecify.annotations.NullMarked;
