package com.cloutsy.redis.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloutsy.redis.config.HostPort;
import com.cloutsy.redis.config.InvalidSettingException;
import com.cloutsy.redis.config.RedisSettings;
import com.cloutsy.redis.keys.KeyLayout;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class RedisSettingsFactoryTest {

  private final MockEnvironment environment = new MockEnvironment();
  private final CloutsyRedisProperties properties = new CloutsyRedisProperties();

  @Test
  void readsTheSeedVariablesFromSpringsEnvironment() {
    environment.withProperty("REDIS_HOST", "redis.internal").withProperty("REDIS_PORT", "6380")
        .withProperty("REDIS_PASSWORD", "s3cret").withProperty("REDIS_DB", "2")
        .withProperty("REDIS_MAX_RETRIES_PER_REQUEST", "5").withProperty("REDIS_RETRY_DELAY_ON_CLUSTER_DOWN", "300")
        .withProperty("REDIS_RETRY_DELAY_ON_FAILOVER", "70").withProperty("REDIS_KEY_PREFIX", "app1:");

    RedisSettings settings = RedisSettingsFactory.settings(environment, properties);

    assertThat(settings.host()).isEqualTo("redis.internal");
    assertThat(settings.port()).isEqualTo(6380);
    assertThat(settings.password()).isEqualTo("s3cret");
    assertThat(settings.database()).isEqualTo(2);
    assertThat(settings.maxRetriesPerRequest()).isEqualTo(5);
    assertThat(settings.retryDelayOnClusterDown()).isEqualTo(Duration.ofMillis(300));
    assertThat(settings.retryDelayOnFailover()).isEqualTo(Duration.ofMillis(70));
    assertThat(settings.keyPrefix()).isEqualTo("app1:");
  }

  @Test
  void aVariableIsReadAsABoundPropertyIsSoAnUnresolvablePlaceholderInAPasswordStaysAsWritten() {
    environment.withProperty("REDIS_URL", "redis://app:s3cr${et}+K@h:6379/0").withProperty("REDIS_PASSWORD", "p${w")
        .withProperty("REDIS_KEY_PREFIX", "${APP_NAME}:").withProperty("APP_NAME", "shop");

    RedisSettings settings = RedisSettingsFactory.settings(environment, properties);

    assertThat(settings.url()).isEqualTo("redis://app:s3cr${et}+K@h:6379/0");
    assertThat(settings.password()).isEqualTo("p${w");
    assertThat(settings.keyPrefix()).as("a placeholder that resolves is resolved").isEqualTo("shop:");
  }

  @Test
  void withNothingSetTheSettingsAreTheDefaults() {
    assertThat(RedisSettingsFactory.settings(environment, properties)).isEqualTo(RedisSettings.defaults());
  }

  @Test
  void aSetPropertyWinsOverItsVariableAndAnUnsetOneLeavesIt() {
    environment.withProperty("REDIS_HOST", "from-variable").withProperty("REDIS_PORT", "6380")
        .withProperty("REDIS_KEY_PREFIX", "variable:");
    properties.setHost("from-property");
    properties.setKeyPrefix(" ");

    RedisSettings settings = RedisSettingsFactory.settings(environment, properties);

    assertThat(settings.host()).isEqualTo("from-property");
    assertThat(settings.port()).isEqualTo(6380);
    assertThat(settings.keyPrefix()).as("a blank property counts as unset").isEqualTo("variable:");
  }

  @Test
  void aBadVariableThatAPropertyReplacesDoesNotFailStartUp() {
    environment.withProperty("REDIS_PORT", "not-a-port");
    properties.setPort(6390);

    assertThat(RedisSettingsFactory.settings(environment, properties).port()).isEqualTo(6390);
  }

  @Test
  void everyConnectionPropertyReachesTheSettings() {
    properties.setUsername("app");
    properties.setPassword("pw");
    properties.setDatabase(3);
    properties.setTls(true);
    properties.setSentinelMaster("mymaster");
    properties.setSentinelNodes(List.of("s1:26379", "s2:26380"));
    properties.setConnectTimeout(Duration.ofMillis(1500));
    properties.setCommandTimeout(Duration.ofSeconds(4));
    properties.setMaxRetriesPerRequest(0);
    properties.setRetryDelayOnClusterDown(Duration.ofMillis(250));
    properties.setRetryDelayOnFailover(Duration.ofMillis(20));
    properties.setKeyPrefix("svc:");
    properties.setKeyLayout(KeyLayout.CLUSTER);
    properties.setCacheUrl("redis://cache:6379");
    properties.setTlsVerifyHostname(false);
    properties.setWaitReplicas(1);
    properties.setWaitTimeout(Duration.ofMillis(300));
    properties.setMaxValueBytes(4096);
    properties.setRequestQueueSize(500);

    RedisSettings settings = RedisSettingsFactory.settings(environment, properties);

    assertThat(settings.username()).isEqualTo("app");
    assertThat(settings.password()).isEqualTo("pw");
    assertThat(settings.database()).isEqualTo(3);
    assertThat(settings.tls()).isTrue();
    assertThat(settings.sentinelMaster()).isEqualTo("mymaster");
    assertThat(settings.sentinelNodes()).containsExactly(new HostPort("s1", 26379), new HostPort("s2", 26380));
    assertThat(settings.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(settings.commandTimeout()).isEqualTo(Duration.ofSeconds(4));
    assertThat(settings.maxRetriesPerRequest()).isZero();
    assertThat(settings.retryDelayOnClusterDown()).isEqualTo(Duration.ofMillis(250));
    assertThat(settings.retryDelayOnFailover()).isEqualTo(Duration.ofMillis(20));
    assertThat(settings.keyPrefix()).isEqualTo("svc:");
    assertThat(settings.keyLayout()).isEqualTo(KeyLayout.CLUSTER);
    assertThat(settings.cacheUrl()).isEqualTo("redis://cache:6379");
    assertThat(settings.tlsVerifyHostname()).isFalse();
    assertThat(settings.durability().replicas()).isEqualTo(1);
    assertThat(settings.durability().timeout()).isEqualTo(Duration.ofMillis(300));
    assertThat(settings.maxValueBytes()).isEqualTo(4096);
    assertThat(settings.requestQueueSize()).isEqualTo(500);
  }

  @Test
  void urlAndClusterNodesReachTheSettings() {
    properties.setUrl("redis://10.1.2.3:7000/1");
    assertThat(RedisSettingsFactory.settings(environment, properties).url()).isEqualTo("redis://10.1.2.3:7000/1");

    properties.setUrl(null);
    properties.setClusterNodes(List.of("n1:7000", "n2:7001"));
    RedisSettings cluster = RedisSettingsFactory.settings(environment, properties);
    assertThat(cluster.clusterNodes()).containsExactly(new HostPort("n1", 7000), new HostPort("n2", 7001));
    assertThat(cluster.keyLayout()).isEqualTo(KeyLayout.CLUSTER);
  }

  @Test
  void aBadPropertyIsNamedInsteadOfItsVariable() {
    properties.setPort(70000);

    assertThatThrownBy(() -> RedisSettingsFactory.settings(environment, properties))
        .isInstanceOfSatisfying(RedisPropertyException.class, failure -> {
          assertThat(failure.property()).isEqualTo("cloutsy.redis.port");
          assertThat(failure.getMessage())
              .startsWith("cloutsy.redis.port must be an integer 1-65535").doesNotContain("REDIS_PORT");
          assertThat(failure.action()).contains("cloutsy.redis.port", "REDIS_PORT");
        });
  }

  @Test
  void aBadNodeListIsNamedByItsProperty() {
    properties.setClusterNodes(List.of("no-port"));
    properties.setKeyLayout(KeyLayout.CLUSTER);

    assertThatThrownBy(() -> RedisSettingsFactory.settings(environment, properties))
        .isInstanceOfSatisfying(RedisPropertyException.class,
            failure -> assertThat(failure.property()).isEqualTo("cloutsy.redis.cluster-nodes"));
  }

  @Test
  void aRuleAcrossSettingsNamesThePropertiesInvolved() {
    properties.setSentinelMaster("mymaster");

    assertThatThrownBy(() -> RedisSettingsFactory.settings(environment, properties))
        .isInstanceOfSatisfying(RedisPropertyException.class, failure -> {
          assertThat(failure.property()).isEqualTo("cloutsy.redis.sentinel-nodes");
          assertThat(failure.getMessage()).contains("cloutsy.redis.sentinel-master is set");
        });
  }

  @Test
  void aBadVariableIsNamedByItselfWhenNoPropertyIsInvolved() {
    environment.withProperty("REDIS_DB", "two");

    assertThatThrownBy(() -> RedisSettingsFactory.settings(environment, properties))
        .isInstanceOfSatisfying(InvalidSettingException.class,
            failure -> assertThat(failure.setting()).isEqualTo("REDIS_DB"));
  }

  @Test
  void aBadPasswordIsNeverRepeated() {
    properties.setUrl("redis://user:hunter2@");

    assertThatThrownBy(() -> RedisSettingsFactory.settings(environment, properties))
        .isInstanceOf(RedisPropertyException.class)
        .satisfies(failure -> assertThat(failure.getMessage()).contains("cloutsy.redis.url").doesNotContain("hunter2"));
  }

  @Test
  void everyMappingNamesAPropertyOfThePropertiesClassAndADistinctVariable() {
    assertThat(RedisSettingsFactory.MAPPINGS).extracting(RedisSettingsFactory.Mapping::variable).doesNotHaveDuplicates()
        .allMatch(variable -> variable.startsWith("REDIS_"));
    assertThat(RedisSettingsFactory.MAPPINGS).extracting(RedisSettingsFactory.Mapping::property)
        .doesNotHaveDuplicates().allMatch(property -> property.startsWith("cloutsy.redis."));
    assertThat(RedisSettingsFactory.propertyFor("REDIS_DB")).contains("cloutsy.redis.database");
  }
}
