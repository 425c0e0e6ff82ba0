package com.cloutsy.redis.demo.auth;

import com.cloutsy.redis.autoconfigure.web.RateLimitKeyResolver;
import com.cloutsy.redis.demo.DemoProperties;
import com.cloutsy.redis.session.SessionStore;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Wires the session tokens into Spring MVC: the {@link Tokens} key, the {@link SessionAuthentication} interceptor
 * ahead of the starter's rate-limit interceptor, {@link Caller} as a controller parameter, and the
 * {@link RateLimitKeyResolver} that counts an authenticated request against its user.
 */
@Configuration(proxyBeanMethods = false)
class AuthConfiguration implements WebMvcConfigurer {

  private static final Logger log = LoggerFactory.getLogger(AuthConfiguration.class);

  private final Tokens tokens;
  private final SessionStore sessions;

  AuthConfiguration(Tokens tokens, SessionStore sessions) {
    this.tokens = tokens;
    this.sessions = sessions;
  }

  /**
   * The token key: {@code demo.token.secret}, or in the dev profile a key generated at start-up.
   *
   * @throws IllegalStateException outside the dev profile when no key is set, naming the setting
   */
  @Bean
  static Tokens tokens(DemoProperties properties, Environment environment) {
    String secret = properties.token().secret();
    if (secret != null && !secret.isBlank()) {
      try {
        return Tokens.fromBase64(secret);
      } catch (IllegalArgumentException invalid) {
        throw new IllegalStateException("demo.token.secret (DEMO_TOKEN_SECRET): " + invalid.getMessage(), invalid);
      }
    }
    if (environment.acceptsProfiles(Profiles.of("dev & !prod"))) {
      log.warn("DEVELOPMENT ONLY: demo.token.secret is not set, so session tokens are signed with a key generated at"
          + " start-up; they end with this process. Set DEMO_TOKEN_SECRET before running anywhere else.");
      return Tokens.generateForDevelopment();
    }
    throw new IllegalStateException("demo.token.secret is not set: session tokens are signed with it. Set"
        + " DEMO_TOKEN_SECRET to the same secret on every instance, e.g. the output of 'openssl rand -base64 32'.");
  }

  /** Rate limits count an authenticated request against its user, an anonymous one against its address. */
  @Bean
  RateLimitKeyResolver rateLimitKeyResolver() {
    return RateLimitKeyResolver.byUserId(request -> Caller.of(request).map(Caller::userId).orElse(null));
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    // Before the starter's RateLimitInterceptor (order 0), which needs the caller.
    registry.addInterceptor(new SessionAuthentication(tokens, sessions))
        .addPathPatterns("/api/**", "/auth/sessions", "/auth/sessions/**", "/auth/logout", "/auth/logout-all")
        .order(Ordered.HIGHEST_PRECEDENCE);
  }

  @Override
  public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
    resolvers.add(new HandlerMethodArgumentResolver() {
      @Override
      public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Caller.class;
      }

      @Override
      public Caller resolveArgument(MethodParameter parameter, @Nullable ModelAndViewContainer container,
          NativeWebRequest request, @Nullable WebDataBinderFactory binders) {
        Object caller = request.getAttribute(Caller.ATTRIBUTE, NativeWebRequest.SCOPE_REQUEST);
        if (caller instanceof Caller known) {
          return known;
        }
        throw new IllegalStateException(parameter.getExecutable() + " takes a Caller but is not @RequiresSession");
      }
    });
  }
}
