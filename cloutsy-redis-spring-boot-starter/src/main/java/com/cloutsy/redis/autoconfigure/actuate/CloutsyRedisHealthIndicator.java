package com.cloutsy.redis.autoconfigure.actuate;

import com.cloutsy.redis.health.HealthCheck;
import com.cloutsy.redis.health.HealthReport;
import com.cloutsy.redis.health.HealthStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The Actuator health of cloutsy-redis, component {@code redis}: runs the {@link HealthCheck} (PING, INFO, a
 * write/read probe; at most the check's timeout) and reports {@code DOWN} when Redis cannot serve this application's
 * writes, {@code UP} otherwise. A DEGRADED report (memory, latency, evictions) stays {@code UP}, because Redis still
 * serves, with {@code report: DEGRADED} and the reasons in the details, so a readiness probe does not take the
 * service out for a warning.
 *
 * <p>Details: the endpoint (host and port, never credentials), the report's status and reasons, PING latency, the
 * server's version, role, clients, memory and evictions, and the cluster state on a cluster node. Nothing else of
 * the settings is shown, so no password or key can leak.
 *
 * <p>With Spring Data Redis present, this indicator takes the {@code redis} name and Spring Boot's own (a PING on
 * Spring Data Redis's connection) is not created. If that connection goes to another server, register Spring Boot's
 * {@code DataRedisHealthIndicator} as a bean of another name. Include this one in readiness with
 * {@code management.endpoint.health.group.readiness.include=readinessState,redis}.
 */
public final class CloutsyRedisHealthIndicator implements HealthIndicator {

  private final HealthCheck check;
  private final String endpoint;

  /**
   * An indicator running {@code check}.
   *
   * @param check the check to run
   * @param endpoint where Redis is, as {@code RedisSettings.describeEndpoint()} gives it (no password)
   */
  public CloutsyRedisHealthIndicator(HealthCheck check, String endpoint) {
    this.check = check;
    this.endpoint = endpoint;
  }

  /** Runs the check and reports it; never throws. */
  @Override
  public Health health() {
    HealthReport report = check.health();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("endpoint", endpoint);
    details.put("report", report.status().name());
    if (!report.reasons().isEmpty()) {
      details.put("reasons", report.reasons().stream().map(HealthReport.Reason::toString).toList());
    }
    if (report.pingLatency() != null) {
      details.put("pingMillis", report.pingLatency().toNanos() / 1_000_000.0);
    }
    HealthReport.Server server = report.server();
    if (server != null) {
      details.put("version", server.version());
      details.put("role", server.role());
      details.put("connectedClients", server.connectedClients());
      details.put("usedMemory", server.memory().usedMemory());
      details.put("maxMemory", server.memory().maxMemory());
      details.put("maxMemoryPolicy", server.memory().maxMemoryPolicy());
      details.put("evictedKeys", server.evictedKeys());
    }
    HealthReport.Cluster cluster = report.cluster();
    if (cluster != null) {
      details.put("clusterState", cluster.state());
      details.put("clusterSlotsOk", cluster.slotsOk());
    }
    details.put("tookMillis", report.took().toMillis());
    Status status = report.status() == HealthStatus.DOWN ? Status.DOWN : Status.UP;
    return Health.status(status).withDetails(details).build();
  }

  @Override
  public String toString() {
    return "CloutsyRedisHealthIndicator[" + endpoint + "]";
  }
}
