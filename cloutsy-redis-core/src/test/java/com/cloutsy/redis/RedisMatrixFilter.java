package com.cloutsy.redis;

import com.cloutsy.redis.RedisMatrix.Topology;
import java.util.Locale;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.PostDiscoveryFilter;

/**
 * Leaves out of a run every {@link RedisMatrix} class that does not declare the run's topology, so nothing of it runs,
 * not even a per-class constructor or {@code @BeforeAll}; registered through {@code META-INF/services}.
 */
public final class RedisMatrixFilter implements PostDiscoveryFilter {

  /** Creates the filter; the JUnit Platform launcher calls this. */
  public RedisMatrixFilter() {}

  @Override
  public FilterResult apply(TestDescriptor descriptor) {
    if (!(descriptor.getSource().orElse(null) instanceof ClassSource source)) {
      return FilterResult.included("not a class");
    }
    Topology run = Topology.ofRun();
    return AnnotationSupport.findAnnotation(source.getJavaClass(), RedisMatrix.class)
        .filter(matrix -> !RedisMatrixExtension.declares(matrix, run))
        .map(matrix -> FilterResult.excluded("declares no " + run.name().toLowerCase(Locale.ROOT)
            + " topology, which this run is on"))
        .orElseGet(() -> FilterResult.included("runs on this run's topology"));
  }
}
