package com.cloutsy.redis.health;

import com.cloutsy.redis.FeatureCounters;
import com.cloutsy.redis.RedisService;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Publishes a {@link RedisService}'s metrics to Micrometer: the only class of this library that touches Micrometer,
 * which is an optional dependency.
 *
 * <ul>
 *   <li>Every {@link FeatureCounters} counter of the service, with its name and tags, also those that capabilities
 *       create after binding: {@code cloutsy.redis.cache.gets{result}}, {@code cloutsy.redis.ratelimit.decisions},
 *       {@code cloutsy.redis.pubsub.received}, and so on.
 *   <li>{@code cloutsy.redis.connected}: 1 while the service's connection is up, 0 otherwise.
 *   <li>With {@link #withHealth}: the numbers of the check's most recent report. {@code cloutsy.redis.health{status}}
 *       (1 for the current status, 0 for the others), {@code cloutsy.redis.ping.latency},
 *       {@code cloutsy.redis.memory.used|peak|max} (bytes), {@code cloutsy.redis.clients.connected} and the server's
 *       {@code cloutsy.redis.keys.evicted|expired} counts. Scraping never sends a command: the values change when
 *       something (a readiness probe, a scheduler) runs {@link HealthCheck#health()}, and are NaN before that.
 *   <li>Command latencies are Lettuce's own ({@code lettuce.command.completion} and
 *       {@code lettuce.command.firstresponse}, tagged by command), recorded by the client itself rather than timed
 *       here: create the service with {@link #commandLatency(MeterRegistry)}.
 * </ul>
 *
 * <pre>{@code
 * RedisService redis = RedisService.create(settings, RedisMeters.commandLatency(registry)).start();
 * RedisMeters.create(redis).withHealth(HealthCheck.create(redis)).bindTo(registry);
 * }</pre>
 *
 * <p>Meters hold the service weakly, as Micrometer does by default, so a registry does not keep a closed service
 * alive. Thread-safe.
 */
public final class RedisMeters implements MeterBinder {

  private final RedisService redis;
  private final @Nullable HealthCheck health;

  private RedisMeters(RedisService redis, @Nullable HealthCheck health) {
    this.redis = redis;
    this.health = health;
  }

  /** The service's counters and connection gauge. */
  public static RedisMeters create(RedisService redis) {
    Objects.requireNonNull(redis, "redis must not be null");
    return new RedisMeters(redis, null);
  }

  /** A copy that also publishes the numbers of {@code check}'s most recent report. */
  public RedisMeters withHealth(HealthCheck check) {
    Objects.requireNonNull(check, "check must not be null");
    return new RedisMeters(redis, check);
  }

  /** Registers the meters; counters that capabilities create later are registered as they appear. */
  @Override
  public void bindTo(MeterRegistry registry) {
    redis.runtime().counters().forEach(counter -> FunctionCounter
        .builder(counter.id().name(), counter, FeatureCounters.Counter::count)
        .tags(counter.id().tags().entrySet().stream().map(tag -> Tag.of(tag.getKey(), tag.getValue())).toList())
        .register(registry));
    Gauge.builder("cloutsy.redis.connected", redis, service -> service.isConnected() ? 1 : 0)
        .description("Whether the service's Redis connection is up (1) or not (0)")
        .register(registry);
    HealthCheck check = health;
    if (check != null) {
      bindHealth(check, registry);
    }
  }

  /**
   * Lettuce's Micrometer latency recorder with its default options (a timer per command type, percentiles 50 to
   * 99.9, no histogram), for {@code ClientResources.Builder.commandLatencyRecorder}.
   */
  public static CommandLatencyRecorder latencyRecorder(MeterRegistry registry) {
    return latencyRecorder(registry, MicrometerOptions.create());
  }

  /** Lettuce's Micrometer latency recorder with the given options (histograms, percentiles, tags, commands). */
  public static CommandLatencyRecorder latencyRecorder(MeterRegistry registry, MicrometerOptions options) {
    Objects.requireNonNull(registry, "registry must not be null");
    Objects.requireNonNull(options, "options must not be null");
    return new MicrometerCommandLatencyRecorder(registry, options);
  }

  /**
   * The customizer for {@link RedisService#create(com.cloutsy.redis.config.RedisSettings, UnaryOperator)} that
   * makes the service's client record every command's latency into {@code registry}.
   */
  public static UnaryOperator<ClientResources.Builder> commandLatency(MeterRegistry registry) {
    CommandLatencyRecorder recorder = latencyRecorder(registry);
    return builder -> builder.commandLatencyRecorder(recorder);
  }

  @Override
  public String toString() {
    return "RedisMeters[" + redis + (health == null ? "" : ", with health") + "]";
  }

  private static void bindHealth(HealthCheck check, MeterRegistry registry) {
    for (HealthStatus status : HealthStatus.values()) {
      Gauge.builder("cloutsy.redis.health", check, c -> {
        HealthReport last = c.lastReport();
        return last == null ? Double.NaN : last.status() == status ? 1 : 0;
      }).tag("status", status.name()).description("1 for the status of the most recent health check, else 0")
          .register(registry);
    }
    TimeGauge.builder("cloutsy.redis.ping.latency", check, TimeUnit.NANOSECONDS, c -> {
      HealthReport last = c.lastReport();
      return last == null || last.pingLatency() == null ? Double.NaN : last.pingLatency().toNanos();
    }).description("PING round trip of the most recent health check").register(registry);
    List.of(
        new ServerGauge("cloutsy.redis.memory.used", "bytes", server -> server.memory().usedMemory()),
        new ServerGauge("cloutsy.redis.memory.peak", "bytes", server -> server.memory().peakMemory()),
        new ServerGauge("cloutsy.redis.memory.max", "bytes", server -> server.memory().maxMemory()),
        new ServerGauge("cloutsy.redis.clients.connected", "clients", HealthReport.Server::connectedClients))
        .forEach(gauge -> Gauge.builder(gauge.name(), check, serverValue(gauge.value())).baseUnit(gauge.unit())
            .register(registry));
    FunctionCounter.builder("cloutsy.redis.keys.evicted", check, serverValue(HealthReport.Server::evictedKeys))
        .description("Keys the server evicted to stay under maxmemory, as of the most recent health check")
        .register(registry);
    FunctionCounter.builder("cloutsy.redis.keys.expired", check, serverValue(HealthReport.Server::expiredKeys))
        .description("Keys the server removed when their TTL ran out, as of the most recent health check")
        .register(registry);
  }

  private record ServerGauge(String name, String unit, ToDoubleFunction<HealthReport.Server> value) {}

  private static ToDoubleFunction<HealthCheck> serverValue(ToDoubleFunction<HealthReport.Server> value) {
    return check -> {
      HealthReport last = check.lastReport();
      return last == null || last.server() == null ? Double.NaN : value.applyAsDouble(last.server());
    };
  }
}
