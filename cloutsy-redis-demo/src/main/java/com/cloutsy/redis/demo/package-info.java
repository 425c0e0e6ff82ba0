/**
 * The runnable demo: {@link com.cloutsy.redis.demo.FacadeTour} starts an embedded Redis (or uses the one that
 * {@code REDIS_URL} / {@code REDIS_HOST} names), exercises the facade the way the seed's usage patterns do, and
 * prints each step.
 */
@NullMarked
package com.cloutsy.redis.demo;

import org.jspecify.annotations.NullMarked;
