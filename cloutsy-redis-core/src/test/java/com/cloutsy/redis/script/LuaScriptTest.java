package com.cloutsy.redis.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.ServerError;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.embedded.WithRedis;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Includes named in a script's header, and error positions named in the file they came from. */
@WithRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LuaScriptTest {

  private static final LuaScript FAULTY = LuaScript.load("test-library-error.lua");
  private final RedisService redis;
  private final String key = "test:" + UUID.randomUUID() + ":faulty";

  LuaScriptTest(RedisEndpoint endpoint) {
    redis = TestRedis.start(endpoint);
  }

  @AfterAll
  void close() {
    redis.close();
  }

  private String fail(String how) {
    return redis.runtime().await(redis.scripts().run(FAULTY, ScriptOutputType.STATUS, new String[] {key}, how));
  }

  @Test
  void includesEachLibraryOnceAfterItsOwnIncludes() {
    LuaScript both = LuaScript.load("test-include-both.lua");

    String reply = redis.runtime().await(redis.scripts().run(both, ScriptOutputType.VALUE, new String[0]));

    assertThat(reply).isEqualTo("first second");
    String source = both.source();
    assertThat(source.split("-- test-include-second.lua:", -1)).as("second included once").hasSize(2);
    assertThat(source.split("-- test-include-first.lua:", -1)).as("first included once").hasSize(2);
    assertThat(source.indexOf("-- test-include-second.lua:")).isZero();
    assertThat(source.indexOf("-- test-include-first.lua:"))
        .isGreaterThan(source.indexOf("local function second()"))
        .isLessThan(source.indexOf("-- test-include-both.lua:"));
    assertThat(both.name()).isEqualTo("test-include-both.lua");
  }

  @Test
  void aMissingIncludeNamesTheChainThatLedToIt() {
    assertThatThrownBy(() -> LuaScript.load("test-include-missing.lua"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("test-include-missing.lua includes test-include-gone.lua:"
            + " no Lua script resource com/cloutsy/redis/script/test-include-gone.lua");
  }

  @Test
  void anIncludeCycleIsRefusedNamingIt() {
    assertThatThrownBy(() -> LuaScript.load("test-cycle-a.lua"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Lua include cycle: test-cycle-a.lua includes test-cycle-b.lua includes test-cycle-a.lua");
  }

  @Test
  void anErrorRaisedInALibraryNamesTheLibrarysLine() {
    assertThatThrownBy(() -> fail("raise"))
        .isExactlyInstanceOf(RedisCommandExecutionException.class)
        .hasMessageContaining("test-faulty-library.lua:4: deliberate library failure")
        .satisfies(e -> assertThat(ServerError.of(e)).isEmpty());
  }

  @Test
  void badArithmeticInALibraryNamesTheLibrarysLine() {
    assertThatThrownBy(() -> fail("add"))
        .isExactlyInstanceOf(RedisCommandExecutionException.class)
        .hasMessageContaining("test-faulty-library.lua:8: attempt to perform arithmetic");
  }

  @Test
  void aFailedRedisCallInALibraryNamesTheLibrarysLineAndKeepsItsErrorCode() {
    assertThatThrownBy(() -> fail("push"))
        .isExactlyInstanceOf(RedisCommandExecutionException.class)
        .hasMessageContaining("WRONGTYPE")
        .hasMessageContaining("test-faulty-library.lua:13")
        .satisfies(e -> assertThat(ServerError.of(e)).as("still read as the server's error")
            .contains(ServerError.WRONGTYPE));
  }

  @Test
  void aRefusalForMemoryInALibraryStaysAnOutageAsRedis62WritesIt() {
    String refused = "ERR Error running script (call to f_e35): @user_script:13: @user_script: 13: -OOM command not"
        + " allowed when used memory > 'maxmemory'.";

    String located = FAULTY.located(refused);

    assertThat(located).endsWith("(user_script:13 is test-faulty-library.lua:9)");
    assertThat(ServerError.of(located)).contains(ServerError.OOM);
  }
}
