package com.cloutsy.redis.embedded;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that injects Redis into test constructors and methods; register it with {@link WithRedis}
 * or {@code @ExtendWith(EmbeddedRedisExtension.class)}.
 *
 * <ul>
 *   <li>A {@link RedisEndpoint} parameter gets the server shared by the whole run (one per JVM, safe for tests
 *       running in parallel): the one named by the environment variable {@code REDIS_URL} if set, which is used
 *       as it is, otherwise an {@link EmbeddedRedis} started on first use and closed when the run ends. Tests
 *       sharing it should use their own key prefix rather than flush it. With the system property
 *       {@code cloutsy.redis.topology=cluster} it is a shared Redis Cluster instead ({@code REDIS_CLUSTER_NODES}, or
 *       an {@link EmbeddedRedisCluster}), and {@link RedisEndpoint#isCluster()} says so: the same suites then run on
 *       a cluster.
 *   <li>An {@link EmbeddedRedis} parameter gets a dedicated new server, for tests that stop, restart or pause it.
 *       A method parameter's server is closed after that method; a constructor parameter's when the test class is
 *       done. Each costs a process start of some tens of milliseconds.
 *   <li>An {@link EmbeddedRedisCluster} or {@link EmbeddedSentinel} parameter gets a dedicated new topology, closed
 *       in the same way; each costs a few seconds, so take it as a constructor parameter of a per-class test
 *       instance or in a {@code @BeforeAll} method.
 * </ul>
 *
 * <p>Servers are closed through JUnit's store, which closes {@link AutoCloseable} values by default.
 */
public final class EmbeddedRedisExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(EmbeddedRedisExtension.class);

  /** Creates the extension; JUnit calls this. */
  public EmbeddedRedisExtension() {}

  /**
   * Tells JUnit that this extension resolves parameters of type {@link RedisEndpoint}, {@link EmbeddedRedis},
   * {@link EmbeddedRedisCluster} and {@link EmbeddedSentinel}.
   *
   * @param parameter the parameter to resolve
   * @param context the current extension context
   * @return whether the parameter's type is one of them
   */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == RedisEndpoint.class || type == EmbeddedRedis.class || type == EmbeddedRedisCluster.class
        || type == EmbeddedSentinel.class;
  }

  /**
   * Returns the shared endpoint, or starts a dedicated server or topology owned by {@code context}.
   *
   * <p>The first call of a run for an endpoint may block while the shared server starts; concurrent callers wait
   * for the same server.
   *
   * @param parameter the parameter to resolve
   * @param context the context whose end closes a dedicated server
   * @return the endpoint or the server
   */
  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == RedisEndpoint.class) {
      return context.getRoot().getStore(NAMESPACE)
          .computeIfAbsent(SharedRedis.class, key -> SharedRedis.open(), SharedRedis.class)
          .endpoint();
    }
    AutoCloseable started = type == EmbeddedRedisCluster.class ? EmbeddedRedisCluster.start()
        : type == EmbeddedSentinel.class ? EmbeddedSentinel.start()
        : EmbeddedRedis.start();
    // A fresh key per server: several parameters in one context each need their own entry.
    context.getStore(NAMESPACE).put(new Object(), started);
    return started;
  }
}
