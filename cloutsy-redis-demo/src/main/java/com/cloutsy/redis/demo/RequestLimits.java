package com.cloutsy.redis.demo;

import java.util.List;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.core.Ordered;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bounds what one request can make the service hold: the body ({@link RequestSizeLimit}, first of all filters) and
 * the JSON read from it, by {@link StreamReadConstraints} on the JSON factory of the application's {@link JsonMapper},
 * the one Spring MVC reads request bodies with. Jackson's own defaults allow strings of 100 million characters, 500
 * levels of nesting and documents of any length. Headers are bounded by {@code server.max-http-request-header-size}.
 *
 * <p>The constraints sit on the factory, which a {@link JsonMapperBuilderCustomizer} cannot replace, so this
 * declares the builder that Spring Boot would (a prototype, as Boot's is) on a constrained factory, and applies every
 * customizer to it as Boot does: {@code spring.jackson.*} still applies.
 */
@Configuration(proxyBeanMethods = false)
class RequestLimits {

  /** The longest JSON string (a value or a name's value) read: far beyond any field the routes take. */
  static final int MAX_STRING_LENGTH = 16 * 1024;

  /** The deepest JSON nesting read: the routes take two levels, a notification's {@code data} a few more. */
  static final int MAX_NESTING_DEPTH = 32;

  @Bean
  FilterRegistrationBean<RequestSizeLimit> requestSizeLimit(DemoProperties properties) {
    FilterRegistrationBean<RequestSizeLimit> registration =
        new FilterRegistrationBean<>(new RequestSizeLimit(properties.maxRequestBytes().toBytes()));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  /** The builder of the application's {@link JsonMapper}, on a factory with the demo's read constraints. */
  @Bean
  @Scope("prototype")
  JsonMapper.Builder constrainedJsonMapperBuilder(DemoProperties properties,
      List<JsonMapperBuilderCustomizer> customizers) {
    StreamReadConstraints constraints = StreamReadConstraints.builder()
        .maxStringLength(MAX_STRING_LENGTH)
        .maxNestingDepth(MAX_NESTING_DEPTH)
        .maxDocumentLength(properties.maxRequestBytes().toBytes())
        .build();
    JsonMapper.Builder builder = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints).build());
    customizers.forEach(customizer -> customizer.customize(builder));
    return builder;
  }
}
