package com.cloutsy.redis.demo.ops;

import com.cloutsy.redis.demo.DemoProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The ops page and its protection: {@code /ops} serves the static page ({@code static/ops/}), {@link OpsAccess}
 * guards {@code /ops/api/**}, and the page and its files get headers that allow only its own scripts and styles and
 * no framing.
 */
@Configuration(proxyBeanMethods = false)
class OpsConfiguration implements WebMvcConfigurer {

  private static final Logger log = LoggerFactory.getLogger(OpsConfiguration.class);

  private final OpsAccess access;

  OpsConfiguration(DemoProperties properties, Environment environment) {
    boolean dev = environment.acceptsProfiles(Profiles.of("dev & !prod"));
    String key = properties.ops().key();
    this.access = new OpsAccess(key, dev);
    if (key == null || key.isBlank()) {
      log.info(dev ? "Ops endpoints: open to this machine only (dev profile, no demo.ops.key)"
          : "Ops endpoints: off until demo.ops.key (DEMO_OPS_KEY) is set");
    }
  }

  @Override
  public void addViewControllers(ViewControllerRegistry registry) {
    registry.addViewController("/ops").setViewName("forward:/ops/index.html");
    registry.addViewController("/ops/").setViewName("forward:/ops/index.html");
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(access).addPathPatterns("/ops/api/**").order(Ordered.HIGHEST_PRECEDENCE);
    registry.addInterceptor(new HandlerInterceptor() {
      @Override
      public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        response.setHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-store");
        return true;
      }
    }).addPathPatterns("/ops", "/ops/**");
  }
}
