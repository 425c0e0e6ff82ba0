package com.cloutsy.redis.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisBinaryTest {

  @TempDir
  Path dir;

  @Test
  void failsNamingTheVariableWhenItPointsNowhere() {
    Map<String, String> environment = Map.of("REDIS_SERVER_BIN", "/nonexistent/redis-server");

    assertThatThrownBy(() -> RedisBinary.locate(environment, Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("environment variable REDIS_SERVER_BIN")
        .hasMessageContaining("/nonexistent/redis-server")
        .hasMessageContaining("does not exist");
  }

  @Test
  void systemPropertyWinsOverTheEnvironment() throws Exception {
    Path real = fakeServer("7.2.4");
    Map<String, String> environment = Map.of("REDIS_SERVER_BIN", real.toString());

    assertThatThrownBy(() -> RedisBinary.locate(environment, Map.of("REDIS_SERVER_BIN", "/nonexistent/redis")))
        .hasMessageContaining("system property REDIS_SERVER_BIN");
  }

  @Test
  void refusesAFileThatIsNotExecutable() throws Exception {
    Path plain = Files.writeString(dir.resolve("redis-server"), "not a program");

    assertThatThrownBy(() -> RedisBinary.locate(Map.of("REDIS_SERVER_BIN", plain.toString()), Map.of()))
        .hasMessageContaining("REDIS_SERVER_BIN").hasMessageContaining("not executable");
  }

  @Test
  void refusesAnExecutableThatIsNotRedis() throws Exception {
    Path other = script("other", "echo 'something else'");

    assertThatThrownBy(() -> RedisBinary.locate(Map.of("REDIS_SERVER_BIN", other.toString()), Map.of()))
        .hasMessageContaining("is not redis-server").hasMessageContaining("something else");
  }

  @Test
  void findsRedisServerOnPathBeforeTheBundledOne() throws Exception {
    Path onPath = fakeServer("7.2.4");
    String searchPath = dir.resolve("empty") + File.pathSeparator + dir;

    RedisBinary binary = RedisBinary.locate(Map.of("PATH", searchPath), Map.of());

    assertThat(binary.path()).isEqualTo(onPath);
    assertThat(binary.version()).isEqualTo("7.2.4");
    assertThat(binary.majorVersion()).isEqualTo(7);
    assertThat(binary.origin()).isEqualTo("PATH");
  }

  @Test
  void fallsBackToTheBundledBinary() {
    RedisBinary binary = RedisBinary.locate(Map.of("PATH", dir.toString()), Map.of());

    assertThat(binary.origin()).contains("embedded-redis");
    assertThat(Files.isExecutable(binary.path())).isTrue();
    assertThat(binary.version()).matches("\\d+\\.\\d+\\.\\d+");
  }

  private Path fakeServer(String version) throws Exception {
    return script("redis-server", "echo 'Redis server v=" + version + " sha=00000000:0 malloc=libc bits=64 build=0'");
  }

  private Path script(String name, String body) throws Exception {
    Path file = Files.writeString(dir.resolve(name), "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
