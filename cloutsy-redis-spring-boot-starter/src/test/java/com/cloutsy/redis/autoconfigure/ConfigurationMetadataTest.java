package com.cloutsy.redis.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The metadata that spring-boot-configuration-processor generates, which IDEs complete the properties from. */
class ConfigurationMetadataTest {

  @Test
  void everyPropertyIsDescribedAndEveryBooleanSaysWhether() throws IOException {
    List<JsonNode> properties = properties();

    assertThat(properties).hasSizeGreaterThan(80);
    for (JsonNode property : properties) {
      String name = property.get("name").asString();
      assertThat(property.has("description")).as(name).isTrue();
      String description = property.get("description").asString();
      assertThat(description).as(name).isNotBlank().endsWith(".");
      if (property.get("type").asString().equals("java.lang.Boolean")) {
        assertThat(description).as(name).startsWith("Whether");
      }
    }
  }

  @Test
  void theDefaultsAreShownAndTheConnectionPropertiesNameTheirVariables() throws IOException {
    List<JsonNode> properties = properties();

    assertThat(defaultOf(properties, "cloutsy.redis.session.ttl")).isEqualTo("7d");
    assertThat(defaultOf(properties, "cloutsy.redis.login.identifier.max-failures")).isEqualTo("20");
    assertThat(defaultOf(properties, "cloutsy.redis.web.rate-limit.failure-policy")).isEqualTo("fail-open");
    for (RedisSettingsFactory.Mapping mapping : RedisSettingsFactory.MAPPINGS) {
      JsonNode property = find(properties, mapping.property());
      assertThat(property.get("description").asString()).as(mapping.property()).contains(mapping.variable());
    }
  }

  private static String defaultOf(List<JsonNode> properties, String name) {
    return find(properties, name).get("defaultValue").asString();
  }

  private static JsonNode find(List<JsonNode> properties, String name) {
    return properties.stream().filter(property -> property.get("name").asString().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no metadata for " + name));
  }

  private static List<JsonNode> properties() throws IOException {
    JsonMapper mapper = JsonMapper.builder().build();
    for (URL url : Collections.list(ConfigurationMetadataTest.class.getClassLoader()
        .getResources("META-INF/spring-configuration-metadata.json"))) {
      try (InputStream in = url.openStream()) {
        JsonNode metadata = mapper.readTree(in);
        List<JsonNode> ours = new ArrayList<>();
        metadata.get("properties").forEach(property -> {
          if (property.get("name").asString().startsWith("cloutsy.redis.")) {
            ours.add(property);
          }
        });
        if (!ours.isEmpty()) {
          return ours;
        }
      }
    }
    throw new AssertionError("no spring-configuration-metadata.json with cloutsy.redis properties");
  }
}
