package com.cloutsy.redis.demo.auth;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a route that answers only a caller with a valid session token ({@code Authorization: Bearer <token>});
 * others get 401. The route takes the {@link Caller} as a parameter.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RequiresSession {}
