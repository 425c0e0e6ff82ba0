package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Finds the {@link RunsAs} class that asks {@link TestRedis} for a service, and checks that class's ACL user after it
 * ran: at least one service logged in as it, and its {@code ACL LOG} is empty on every node.
 */
final class RunsAsExtension implements BeforeAllCallback, AfterAllCallback {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RunsAs.class);
  private static final StackWalker STACK = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  /**
   * The nearest {@link RunsAs} class on the calling thread's stack (a class nested in one counts as it), whatever
   * part of its lifecycle builds the service: a per-class instance's constructor runs before any callback of the
   * class, and a {@link RedisMatrix.BeforeInvocation} method before its {@code @BeforeAll} ones.
   */
  static Optional<Class<?>> suiteCalling() {
    return STACK.walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass)
        .map(RunsAsExtension::outermost).filter(type -> AnnotationSupport.isAnnotated(type, RunsAs.class))
        .findFirst());
  }

  /** The capability a {@link RunsAs} class runs as. */
  static LeastPrivilege capabilityOf(Class<?> suite) {
    return AnnotationSupport.findAnnotation(suite, RunsAs.class).orElseThrow().value();
  }

  private static Class<?> outermost(Class<?> type) {
    Class<?> outer = type;
    while (outer.getEnclosingClass() != null) {
      outer = outer.getEnclosingClass();
    }
    return outer;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(NAMESPACE)
        .computeIfAbsent(SuiteUsers.class, key -> (AutoCloseable) SuiteUsers::closeShared, AutoCloseable.class);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (!SuiteUsers.isEmbedded()) {
      return;
    }
    Class<?> suite = context.getRequiredTestClass();
    LeastPrivilege capability = capabilityOf(suite);
    SuiteUsers users = SuiteUsers.ifOpen().orElseThrow(() -> new AssertionError(
        suite.getSimpleName() + " runs as " + capability.user() + " but built no service with TestRedis"));
    assertThat(users.takeLogins(suite)).as("services %s built as %s", suite.getSimpleName(), capability.user())
        .isPositive();
    assertThat(users.takeAclLog(capability)).as("ACL LOG of %s's user after %s", capability.user(),
        suite.getSimpleName()).isEmpty();
  }
}
