package com.cloutsy.redis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.embedded.EmbeddedRedis;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.mock.env.MockEnvironment;

/**
 * The dev profile's zero-setup Redis: an embedded one when none is configured, stopped after every bean that uses it;
 * none at all outside the dev profile.
 */
class EmbeddedRedisInitializerTest {

  @Test
  void withNoRedisConfiguredItStartsOneAndHandsItsAddressToTheStarter() {
    GenericApplicationContext context = context(dev());
    new EmbeddedRedisInitializer().initialize(context);
    context.refresh();
    EmbeddedRedis redis = context.getBean(EmbeddedRedis.class);
    long pid = redis.pid();

    assertThat(redis.isRunning()).isTrue();
    assertThat(context.getEnvironment().getProperty("cloutsy.redis.url")).isEqualTo(redis.uri());
    context.close();
    assertThat(redis.isRunning()).isFalse();
    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
  }

  @Test
  void itStopsOnlyAfterTheBeansThatUseItAreClosed() {
    GenericApplicationContext context = context(dev());
    new EmbeddedRedisInitializer().initialize(context);
    AtomicBoolean runningWhenClosed = new AtomicBoolean();
    context.registerBean("user", DisposableBean.class, () -> () -> runningWhenClosed.set(
        context.getBean(EmbeddedRedis.class).isRunning()));
    context.refresh();
    context.getBean("user");

    context.close();

    assertThat(runningWhenClosed).isTrue();
  }

  @Test
  void aConfiguredRedisIsUsedAndNoneIsStarted() {
    for (String setting : new String[] {"REDIS_URL", "REDIS_HOST", "cloutsy.redis.url", "cloutsy.redis.host"}) {
      GenericApplicationContext context = context(dev().withProperty(setting, "redis.example"));
      new EmbeddedRedisInitializer().initialize(context);
      context.refresh();

      assertThat(context.getBeanNamesForType(EmbeddedRedis.class)).as(setting).isEmpty();
      assertThat(context.getEnvironment().getPropertySources().contains(EmbeddedRedisInitializer.BEAN_NAME)).isFalse();
      context.close();
    }
  }

  @Test
  void withoutTheDevProfileNoneIsStartedEvenWithNoRedisConfigured() {
    for (String[] profiles : new String[][] {{}, {"prod"}, {"dev", "prod"}, {"staging"}}) {
      MockEnvironment environment = new MockEnvironment();
      environment.setActiveProfiles(profiles);
      GenericApplicationContext context = context(environment);
      new EmbeddedRedisInitializer().initialize(context);
      context.refresh();

      assertThat(context.getBeanNamesForType(EmbeddedRedis.class)).as(String.join(",", profiles)).isEmpty();
      assertThat(context.getEnvironment().getProperty("cloutsy.redis.url")).isNull();
      context.close();
    }
  }

  private static MockEnvironment dev() {
    MockEnvironment environment = new MockEnvironment();
    environment.setActiveProfiles("dev");
    return environment;
  }

  private static GenericApplicationContext context(MockEnvironment environment) {
    GenericApplicationContext context = new GenericApplicationContext();
    context.setEnvironment(environment);
    return context;
  }
}
