package com.cloutsy.redis;

import com.cloutsy.redis.RedisMatrix.Topology;
import java.util.Locale;
import java.util.Optional;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.PostDiscoveryFilter;

/**
 * Leaves out of a run every {@link RedisMatrix} class that does not declare the run's topology, so nothing of it runs,
 * not even a per-class constructor or {@code @BeforeAll}; registered through {@code META-INF/services}.
 */
public final class RedisMatrixFilter implements PostDiscoveryFilter {

  /** Creates the filter; the JUnit Platform launcher calls this. */
  public RedisMatrixFilter() {}

  /**
   * Excludes a test of a class that does not declare the run's topology; the launcher applies this to the tests, the
   * leaves of the discovered tree, and then prunes the classes left without any.
   */
  @Override
  public FilterResult apply(TestDescriptor descriptor) {
    Topology run = Topology.ofRun();
    return testClass(descriptor.getSource().orElse(null))
        .flatMap(testClass -> AnnotationSupport.findAnnotation(testClass, RedisMatrix.class))
        .filter(matrix -> !RedisMatrixExtension.declares(matrix, run))
        .map(matrix -> FilterResult.excluded("its @RedisMatrix does not declare the "
            + run.name().toLowerCase(Locale.ROOT) + " topology of this run"))
        .orElseGet(() -> FilterResult.included("not a @RedisMatrix class left out of this run"));
  }

  private static Optional<Class<?>> testClass(TestSource source) {
    if (source instanceof MethodSource method) {
      return Optional.of(method.getJavaClass());
    }
    if (source instanceof ClassSource type) {
      return Optional.of(type.getJavaClass());
    }
    return Optional.empty();
  }
}
