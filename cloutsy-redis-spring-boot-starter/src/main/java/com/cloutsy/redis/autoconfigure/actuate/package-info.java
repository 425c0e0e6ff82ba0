/**
 * Actuator integration: the {@code redis} health indicator and the Micrometer meters. Each auto-configuration
 * applies only when its library (Spring Boot's health module, Micrometer) is on the class path.
 */
@NullMarked
package com.cloutsy.redis.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
