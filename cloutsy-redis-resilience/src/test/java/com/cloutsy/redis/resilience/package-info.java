/**
 * The resilience and security suite: every capability driven at once while real redis-server processes are restarted,
 * paused, starved of memory or cut off by a TCP proxy, with invariants counted rather than happy paths checked. Its
 * full run ({@code -Preliability}) writes docs/RELIABILITY.md; every build runs a bounded quick form.
 */
@NullMarked
package com.cloutsy.redis.resilience;

import org.jspecify.annotations.NullMarked;
