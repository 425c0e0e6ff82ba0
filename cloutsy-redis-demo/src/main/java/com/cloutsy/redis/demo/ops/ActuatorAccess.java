package com.cloutsy.redis.demo.ops;

import com.cloutsy.redis.demo.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Puts every Actuator endpoint but health (its links page, {@code metrics}, {@code prometheus}) behind
 * {@link OpsAccess}; health stays public and shows no details outside the dev profile. A servlet filter, because the
 * Actuator's routes are not Spring MVC handlers that an interceptor would see; refusals get the demo's JSON error
 * body all the same. The path is the container's normalized servlet path, so {@code ;params}, {@code //} and
 * {@code /./} cannot step around it.
 */
final class ActuatorAccess extends OncePerRequestFilter {

  private final OpsAccess access;
  private final String basePath;
  private final JsonMapper json;

  /**
   * A filter for the Actuator under {@code basePath} ({@code management.endpoints.web.base-path}).
   */
  ActuatorAccess(OpsAccess access, String basePath, JsonMapper json) {
    this.access = access;
    this.basePath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
    this.json = json;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    boolean actuator = path.equals(basePath) || path.startsWith(basePath + "/");
    String health = basePath + "/health";
    return !actuator || path.equals(health) || path.startsWith(health + "/");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      access.check(request);
    } catch (ApiException refused) {
      response.setStatus(refused.status().value());
      refused.headers().forEach(response::setHeader);
      response.setContentType(MediaType.APPLICATION_JSON_VALUE);
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      response.getWriter().write(json.writeValueAsString(refused.body()));
      return;
    }
    chain.doFilter(request, response);
  }
}
