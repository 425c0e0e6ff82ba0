package com.cloutsy.redis;

import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.keys.KeyLayout;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterClassTemplateInvocationCallback;
import org.junit.jupiter.api.extension.BeforeClassTemplateInvocationCallback;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContext;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContextProvider;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/** Turns a class's {@link RedisMatrix} into one invocation per key layout on the run's topology. */
final class RedisMatrixExtension implements ClassTemplateInvocationContextProvider {

  @Override
  public boolean supportsClassTemplate(ExtensionContext context) {
    return AnnotationSupport.isAnnotated(context.getTestClass(), RedisMatrix.class);
  }

  @Override
  public Stream<ClassTemplateInvocationContext> provideClassTemplateInvocationContexts(ExtensionContext context) {
    Class<?> testClass = context.getRequiredTestClass();
    RedisMatrix matrix = AnnotationSupport.findAnnotation(testClass, RedisMatrix.class).orElseThrow();
    Topology run = Topology.ofRun();
    return layouts(testClass, matrix, run).stream().map(layout -> new Invocation(layout, run));
  }

  /** Zero when the class does not declare the run's topology and {@link RedisMatrixFilter} did not leave it out. */
  @Override
  public boolean mayReturnZeroClassTemplateInvocationContexts(ExtensionContext context) {
    return true;
  }

  /** The layouts {@code testClass} runs in on {@code topology}; every declared topology must get at least one. */
  static List<KeyLayout> layouts(Class<?> testClass, RedisMatrix matrix, Topology topology) {
    if (matrix.topologies().length == 0) {
      throw new IllegalArgumentException(testClass.getName() + " must declare the topologies it runs on");
    }
    for (Topology declared : matrix.topologies()) {
      if (runnable(matrix, declared).isEmpty()) {
        throw new IllegalArgumentException(testClass.getName() + " declares no layout that runs on "
            + declared.description() + ": the seed layout's keys cross slots on a cluster");
      }
    }
    return declares(matrix, topology) ? runnable(matrix, topology) : List.of();
  }

  static boolean declares(RedisMatrix matrix, Topology topology) {
    return Arrays.asList(matrix.topologies()).contains(topology);
  }

  private static List<KeyLayout> runnable(RedisMatrix matrix, Topology topology) {
    if (matrix.layouts().length == 0) {
      return List.of(topology == Topology.CLUSTER ? KeyLayout.CLUSTER : KeyLayout.SEED);
    }
    return Arrays.stream(matrix.layouts()).distinct()
        .filter(layout -> topology == Topology.SINGLE || layout == KeyLayout.CLUSTER).toList();
  }

  /** One layout on one topology: its name, its {@link KeyLayout} parameter and its lifecycle methods. */
  private record Invocation(KeyLayout layout, Topology topology) implements ClassTemplateInvocationContext,
      ParameterResolver, BeforeClassTemplateInvocationCallback, AfterClassTemplateInvocationCallback {

    @Override
    public String getDisplayName(int invocationIndex) {
      return "[" + invocationIndex + "] " + layout.name().toLowerCase(Locale.ROOT) + " layout on "
          + topology.description();
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      return List.of(this);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == KeyLayout.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return layout;
    }

    @Override
    public void beforeClassTemplateInvocation(ExtensionContext context) {
      invoke(context, RedisMatrix.BeforeInvocation.class, HierarchyTraversalMode.TOP_DOWN);
    }

    @Override
    public void afterClassTemplateInvocation(ExtensionContext context) {
      invoke(context, RedisMatrix.AfterInvocation.class, HierarchyTraversalMode.BOTTOM_UP);
    }

    private static void invoke(ExtensionContext context, Class<? extends Annotation> annotation,
        HierarchyTraversalMode order) {
      List<Method> methods = AnnotationSupport.findAnnotatedMethods(context.getRequiredTestClass(), annotation, order);
      if (methods.isEmpty()) {
        return;
      }
      Object instance = context.getTestInstance().orElseThrow(() -> new IllegalStateException(
          "@" + annotation.getSimpleName() + " needs @TestInstance(PER_CLASS) on "
              + context.getRequiredTestClass().getName() + "; with an instance per test, take the layout in the"
              + " constructor"));
      for (Method method : methods) {
        context.getExecutableInvoker().invoke(method, instance);
      }
    }
  }
}
