/**
 * The demo service: its main class, the embedded Redis it starts when none is configured, its settings and the
 * JSON error answers every route shares. The auth API is in {@code .auth}, the cached, rate-limited and streaming
 * API in {@code .api}, the operations page in {@code .ops}.
 */
@NullMarked
package com.cloutsy.redis.demo;

import org.jspecify.annotations.NullMarked;
