package com.cloutsy.redis;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a capability's suite as the ACL user with only {@link #value()}'s rules (issue 18, point 7): every service the
 * class builds with {@link TestRedis} on the run's embedded Redis logs in as that user, its raw reads and seeds go
 * through an admin connection ({@link TestRedis#sync}), and after the class the user's {@code ACL LOG} must be empty
 * on every node, so a command refused inside a script or a fire-and-forget call fails the suite too.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RunsAsExtension.class)
public @interface RunsAs {

  /** The capability whose rules the suite's services get. */
  LeastPrivilege value();
}
