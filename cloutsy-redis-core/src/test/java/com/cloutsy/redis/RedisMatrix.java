package com.cloutsy.redis;

import com.cloutsy.redis.embedded.WithRedis;
import com.cloutsy.redis.keys.KeyLayout;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Locale;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ClassTemplateInvocationLifecycleMethod;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class once per key layout it declares, on the topologies it declares: the one place that says where a
 * suite runs.
 *
 * <p>A run has one topology, from {@code -Dcloutsy.redis.topology} (or {@code CLOUTSY_REDIS_TOPOLOGY}): a single
 * server in {@code ./mvnw test}, the shared embedded Redis Cluster in core's {@code cluster} Surefire execution
 * (during {@code verify}). The class runs once per declared layout on that topology, named like
 * {@code [2] cluster layout on a single server}; the seed layout is never run on a cluster, where its flows' keys
 * would cross slots. A class that does not declare the run's topology is left out of the run entirely, by
 * {@link RedisMatrixFilter}; the {@code cluster} execution selects the classes by this annotation's tag, so putting a
 * suite on the cluster means adding {@code Topology.CLUSTER} here and nothing else.
 *
 * <p>An invocation's layout is a {@link KeyLayout} parameter: of the constructor when each test gets its own instance
 * (the default lifecycle), or of the {@link BeforeInvocation} method when one per-class instance serves every
 * invocation, which then starts and closes its services in {@link BeforeInvocation} and {@link AfterInvocation}.
 * Without {@link #layouts()} the class runs once, in the topology's default layout (seed on a single server, cluster
 * on a cluster), which is also what {@link TestRedis#settings(com.cloutsy.redis.embedded.RedisEndpoint)} uses.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ClassTemplate
@WithRedis
@ExtendWith(RedisMatrixExtension.class)
@Tag(RedisMatrix.TAG)
public @interface RedisMatrix {

  /** The tag of every class under the matrix: core's {@code cluster} Surefire execution runs these classes. */
  String TAG = "redis-matrix";

  /** The key layouts to run in, each once; empty for the topology's default layout only. */
  KeyLayout[] layouts() default {};

  /** The topologies the class runs on. */
  Topology[] topologies();

  /** The shape of the Redis a run shares. */
  enum Topology {
    /** One server: the embedded one, or {@code REDIS_URL}. */
    SINGLE("a single server"),
    /** A Redis Cluster: the embedded 3 + 3 one, or {@code REDIS_CLUSTER_NODES}. */
    CLUSTER("a cluster");

    static final String PROPERTY = "cloutsy.redis.topology";
    static final String VARIABLE = "CLOUTSY_REDIS_TOPOLOGY";

    private final String description;

    Topology(String description) {
      this.description = description;
    }

    String description() {
      return description;
    }

    /** The topology of this run, read the way the embedded module's shared server reads it. */
    static Topology ofRun() {
      String property = System.getProperty(PROPERTY);
      String variable = System.getenv(VARIABLE);
      String value = (property != null ? property : variable != null ? variable : "").strip().toLowerCase(Locale.ROOT);
      return switch (value) {
        case "", "single" -> SINGLE;
        case "cluster" -> CLUSTER;
        default -> throw new IllegalArgumentException(PROPERTY + " must be single or cluster, was \"" + value + "\"");
      };
    }
  }

  /**
   * Marks a method that runs before each invocation of a per-class test instance, with the invocation's
   * {@link KeyLayout} and any other parameter JUnit can resolve, such as the shared endpoint.
   */
  @Target(ElementType.METHOD)
  @Retention(RetentionPolicy.RUNTIME)
  @Documented
  @ClassTemplateInvocationLifecycleMethod(classTemplateAnnotation = RedisMatrix.class,
      lifecycleMethodAnnotation = BeforeInvocation.class)
  @interface BeforeInvocation {}

  /** Marks a method that runs after each invocation of a per-class test instance, to close what it started. */
  @Target(ElementType.METHOD)
  @Retention(RetentionPolicy.RUNTIME)
  @Documented
  @ClassTemplateInvocationLifecycleMethod(classTemplateAnnotation = RedisMatrix.class,
      lifecycleMethodAnnotation = AfterInvocation.class)
  @interface AfterInvocation {}
}
