package com.cloutsy.redis.session;

/**
 * What {@link SessionStore#cleanIndex} did to a user's index.
 *
 * @param dropped entries removed because their session was gone (expired, or never there)
 * @param evicted live sessions ended, oldest first, because the user had more than
 *     {@link SessionPolicy#maxSessionsPerUser()}
 * @param remaining live sessions left in the index
 */
public record IndexCleanup(long dropped, long evicted, long remaining) {
}
