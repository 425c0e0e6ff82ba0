/**
 * Spring Boot auto-configuration of cloutsy-redis: the {@code cloutsy.redis.*} properties, one bean per capability
 * on one started {@link com.cloutsy.redis.RedisService}, the opt-in Spring {@code CacheManager} on
 * {@link com.cloutsy.redis.cache.RedisCache}, and the failure analysis that names a bad property.
 */
@NullMarked
package com.cloutsy.redis.autoconfigure;

import org.jspecify.annotations.NullMarked;
