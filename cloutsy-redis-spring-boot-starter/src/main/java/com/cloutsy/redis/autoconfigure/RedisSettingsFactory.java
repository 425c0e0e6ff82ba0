package com.cloutsy.redis.autoconfigure;

import com.cloutsy.redis.config.InvalidSettingException;
import com.cloutsy.redis.config.RedisSettings;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * Builds the {@link RedisSettings} of the auto-configured service from the seed's {@code REDIS_*} variables and the
 * {@code cloutsy.redis.*} properties, with the properties winning.
 *
 * <p>Both go through {@link RedisSettings#fromEnvironment(Map)}, the one parser of settings: the variables are read
 * from Spring's {@link Environment} (process environment, system properties, application properties, test
 * property values: every enumerable property source, in Spring's precedence), and each property that is set
 * replaces its variable, written as the variable's text. So a property means exactly what its variable means, a bad
 * variable that a property replaces cannot fail start-up, and validation happens once, in core.
 *
 * <p><b>Adding a setting</b> that core reads from a new {@code REDIS_*} variable: a field with a one-line Javadoc in
 * {@link CloutsyRedisProperties}, and one line in {@link #MAPPINGS}.
 */
final class RedisSettingsFactory {

  private static final String PREFIX = "cloutsy.redis.";
  private static final String VARIABLE_PREFIX = "REDIS_";

  /** One {@code cloutsy.redis.*} property and the {@code REDIS_*} variable it replaces, written as that variable. */
  record Mapping(String property, String variable, Function<CloutsyRedisProperties, @Nullable String> text) {}

  static final List<Mapping> MAPPINGS = List.of(
      text("host", "REDIS_HOST", CloutsyRedisProperties::getHost),
      number("port", "REDIS_PORT", CloutsyRedisProperties::getPort),
      text("username", "REDIS_USERNAME", CloutsyRedisProperties::getUsername),
      text("password", "REDIS_PASSWORD", CloutsyRedisProperties::getPassword),
      number("database", "REDIS_DB", CloutsyRedisProperties::getDatabase),
      text("url", "REDIS_URL", CloutsyRedisProperties::getUrl),
      flag("tls", "REDIS_TLS", CloutsyRedisProperties::getTls),
      list("cluster-nodes", "REDIS_CLUSTER_NODES", CloutsyRedisProperties::getClusterNodes),
      text("sentinel-master", "REDIS_SENTINEL_MASTER", CloutsyRedisProperties::getSentinelMaster),
      list("sentinel-nodes", "REDIS_SENTINEL_NODES", CloutsyRedisProperties::getSentinelNodes),
      millis("connect-timeout", "REDIS_CONNECT_TIMEOUT_MS", CloutsyRedisProperties::getConnectTimeout),
      millis("command-timeout", "REDIS_COMMAND_TIMEOUT_MS", CloutsyRedisProperties::getCommandTimeout),
      number("max-retries-per-request", "REDIS_MAX_RETRIES_PER_REQUEST",
          CloutsyRedisProperties::getMaxRetriesPerRequest),
      millis("retry-delay-on-cluster-down", "REDIS_RETRY_DELAY_ON_CLUSTER_DOWN",
          CloutsyRedisProperties::getRetryDelayOnClusterDown),
      millis("retry-delay-on-failover", "REDIS_RETRY_DELAY_ON_FAILOVER",
          CloutsyRedisProperties::getRetryDelayOnFailover),
      text("key-prefix", "REDIS_KEY_PREFIX", CloutsyRedisProperties::getKeyPrefix),
      text("key-layout", "REDIS_KEY_LAYOUT",
          properties -> properties.getKeyLayout() == null ? null
              : properties.getKeyLayout().name().toLowerCase(Locale.ROOT)),
      text("cache-url", "REDIS_CACHE_URL", CloutsyRedisProperties::getCacheUrl),
      text("tls-ca-file", "REDIS_TLS_CA_FILE", CloutsyRedisProperties::getTlsCaFile),
      flag("tls-verify-hostname", "REDIS_TLS_VERIFY_HOSTNAME", CloutsyRedisProperties::getTlsVerifyHostname),
      number("wait-replicas", "REDIS_WAIT_REPLICAS", CloutsyRedisProperties::getWaitReplicas),
      millis("wait-timeout", "REDIS_WAIT_TIMEOUT_MS", CloutsyRedisProperties::getWaitTimeout),
      number("max-value-bytes", "REDIS_MAX_VALUE_BYTES", CloutsyRedisProperties::getMaxValueBytes),
      number("request-queue-size", "REDIS_REQUEST_QUEUE_SIZE", CloutsyRedisProperties::getRequestQueueSize),
      flag("lazy-connect", "REDIS_LAZY_CONNECT", CloutsyRedisProperties::getLazyConnect));

  private RedisSettingsFactory() {}

  /**
   * The settings: the {@code REDIS_*} variables of {@code environment}, each replaced by its property when that is
   * set (a blank property counts as unset, so {@code url: ${REDIS_URL:}} in YAML changes nothing).
   *
   * @throws RedisPropertyException naming the property when a value cannot be used and a property is involved
   * @throws InvalidSettingException naming the variable when a variable's value cannot be used and no property is
   *     involved
   */
  static RedisSettings settings(Environment environment, CloutsyRedisProperties properties) {
    Map<String, String> variables = variables(environment);
    Map<String, Mapping> fromProperties = new TreeMap<>();
    for (Mapping mapping : MAPPINGS) {
      String text = mapping.text().apply(properties);
      if (text != null && !text.isBlank()) {
        variables.put(mapping.variable(), text);
        fromProperties.put(mapping.variable(), mapping);
      }
    }
    try {
      return RedisSettings.fromEnvironment(variables);
    } catch (InvalidSettingException invalid) {
      String message = Objects.requireNonNullElse(invalid.getMessage(), "");
      boolean fromProperty = false;
      for (Mapping set : fromProperties.values()) {
        if (message.contains(set.variable())) {
          message = message.replace(set.variable(), set.property());
          fromProperty = true;
        }
      }
      if (!fromProperty) {
        throw invalid;
      }
      String variable = invalid.setting();
      String property = propertyFor(variable).orElse(variable);
      throw new RedisPropertyException(property, message, "Correct " + property + " in the application's"
          + " configuration" + (fromProperties.containsKey(variable) ? " (it replaces the variable " + variable + ")"
          : ", or the variable " + variable) + ".", invalid);
    }
  }

  /** The property that replaces {@code variable}, e.g. {@code cloutsy.redis.port} for {@code REDIS_PORT}. */
  static Optional<String> propertyFor(String variable) {
    return MAPPINGS.stream().filter(mapping -> mapping.variable().equals(variable)).map(Mapping::property)
        .findFirst();
  }

  /**
   * Every {@code REDIS_*} name of the environment's enumerable property sources, with its winning value. Placeholders
   * in a value are resolved as the binder resolves them in the properties: one that cannot be resolved stays as
   * written. So a password containing <code>${</code> works, and never ends up in Spring's "Could not resolve
   * placeholder" error, which quotes the whole value.
   */
  private static Map<String, String> variables(Environment environment) {
    Map<String, String> variables = new TreeMap<>();
    if (environment instanceof ConfigurableEnvironment configurable) {
      for (PropertySource<?> source : configurable.getPropertySources()) {
        if (source instanceof EnumerablePropertySource<?> enumerable) {
          for (String name : enumerable.getPropertyNames()) {
            Object value = name.startsWith(VARIABLE_PREFIX) && !variables.containsKey(name)
                ? enumerable.getProperty(name) : null;
            if (value != null) {
              variables.put(name, environment.resolvePlaceholders(value.toString()));
            }
          }
        }
      }
    }
    return variables;
  }

  private static Mapping text(String property, String variable,
      Function<CloutsyRedisProperties, @Nullable String> value) {
    return new Mapping(PREFIX + property, variable, value);
  }

  private static Mapping number(String property, String variable,
      Function<CloutsyRedisProperties, @Nullable Integer> value) {
    return new Mapping(PREFIX + property, variable, properties -> {
      Integer number = value.apply(properties);
      return number == null ? null : number.toString();
    });
  }

  private static Mapping flag(String property, String variable,
      Function<CloutsyRedisProperties, @Nullable Boolean> value) {
    return new Mapping(PREFIX + property, variable, properties -> {
      Boolean flag = value.apply(properties);
      return flag == null ? null : flag.toString();
    });
  }

  private static Mapping millis(String property, String variable,
      Function<CloutsyRedisProperties, @Nullable Duration> value) {
    return new Mapping(PREFIX + property, variable, properties -> {
      Duration duration = value.apply(properties);
      return duration == null ? null : Long.toString(duration.toMillis());
    });
  }

  private static Mapping list(String property, String variable,
      Function<CloutsyRedisProperties, @Nullable List<String>> value) {
    return new Mapping(PREFIX + property, variable, properties -> {
      List<String> items = value.apply(properties);
      return items == null || items.isEmpty() ? null : String.join(",", items);
    });
  }
}
