package com.cloutsy.redis.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloutsy.redis.RedisMatrix;
import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RedisUnavailableException;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@RedisMatrix(topologies = {Topology.SINGLE, Topology.CLUSTER})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScriptRunnerTest {

  private static final LuaScript COUNTER = LuaScript.load("test-counter.lua");
  private final RedisService redis;
  private final String key = "test:" + UUID.randomUUID() + ":counter";

  ScriptRunnerTest(RedisEndpoint endpoint) {
    redis = TestRedis.start(endpoint);
  }

  @AfterAll
  void close() {
    redis.close();
  }

  private List<Object> count() {
    return redis.runtime().await(redis.scripts().run(COUNTER, ScriptOutputType.MULTI, new String[] {key}, "60000"));
  }

  @Test
  void loadsTheResourceAndItsSha1Once() throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-1").digest(COUNTER.source().getBytes(StandardCharsets.UTF_8));

    assertThat(COUNTER.sha1()).isEqualTo(HexFormat.of().formatHex(digest));
    assertThat(COUNTER.source()).startsWith("-- test-counter.lua");
    assertThat(COUNTER.toString()).isEqualTo("LuaScript[test-counter.lua, sha1=" + COUNTER.sha1() + "]");
  }

  @Test
  void aLibraryGoesBeforeTheScriptThatUsesIt() {
    LuaScript twice = LuaScript.load("test-twice.lua");

    Long reply = redis.runtime().await(redis.scripts().run(twice, ScriptOutputType.INTEGER, new String[0], "21"));

    assertThat(reply).isEqualTo(42);
    assertThat(twice.source()).startsWith("-- test-library.lua").contains("-- test-twice.lua");
    assertThat(twice.name()).isEqualTo("test-twice.lua");
  }

  @Test
  void runsAtomicallyWithTheServersClock() {
    long before = System.currentTimeMillis();
    List<Object> first = count();
    List<Object> second = count();

    assertThat(((Long) second.get(0)) - ((Long) first.get(0))).isEqualTo(1);
    assertThat((Long) first.get(1)).as("Redis TIME, on this machine close to ours")
        .isBetween(before - 5_000, System.currentTimeMillis() + 5_000);
    assertThat(TestRedis.sync(redis).pttl(key)).isBetween(1L, 60_000L);
  }

  @Test
  void fallsBackToEvalAfterScriptFlush() {
    count();
    TestRedis.sync(redis).scriptFlush();
    assertThat(TestRedis.syncAt(redis, key).scriptExists(COUNTER.sha1())).containsExactly(false);

    List<Object> afterFlush = count();

    assertThat((Long) afterFlush.get(0)).isPositive();
    assertThat(TestRedis.syncAt(redis, key).scriptExists(COUNTER.sha1()))
        .as("EVAL cached the script again, so the next call is one EVALSHA").containsExactly(true);
  }

  @Test
  void aScriptErrorIsACallerBugNotAnOutage() {
    LuaScript failing = LuaScript.load("test-error.lua");

    assertThatThrownBy(() ->
        redis.runtime().await(redis.scripts().run(failing, ScriptOutputType.STATUS, new String[0])))
        .isInstanceOf(RedisCommandExecutionException.class)
        .isNotInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("deliberate test failure");
  }

  @Test
  void aMissingOrMisnamedScriptIsRefused() {
    assertThatThrownBy(() -> LuaScript.load("no-such-flow.lua")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no Lua script resource com/cloutsy/redis/script/no-such-flow.lua");
    assertThatThrownBy(() -> LuaScript.load("otp-request")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("script name must end in .lua, was \"otp-request\"");
  }
}
