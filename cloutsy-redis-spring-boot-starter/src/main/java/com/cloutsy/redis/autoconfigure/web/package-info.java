/**
 * Spring MVC helpers: {@link com.cloutsy.redis.autoconfigure.web.RateLimited} routes with {@code RateLimit-*}
 * headers and 429 answers, and the 503 answer when Redis cannot be asked. Configured only in a servlet application
 * with Spring MVC on the class path.
 */
@NullMarked
package com.cloutsy.redis.autoconfigure.web;

import org.jspecify.annotations.NullMarked;
