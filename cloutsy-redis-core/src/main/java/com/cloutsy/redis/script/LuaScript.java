package com.cloutsy.redis.script;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script read from a resource of this package, with the SHA-1 that EVALSHA names it by. Load each script
 * once (a {@code static final} field) and share it: instances are immutable.
 *
 * @param name the resource name, e.g. {@code otp-request.lua}
 * @param source the script text
 * @param sha1 lowercase hex SHA-1 of the UTF-8 source, as Redis computes it
 */
public record LuaScript(String name, String source, String sha1) {

  /**
   * Reads {@code com/cloutsy/redis/script/<name>} from the class path and computes its SHA-1.
   *
   * @param name the script's resource name, ending in {@code .lua}
   * @param libraries resources of the same folder whose text goes before the script's, in order: functions that
   *     several scripts share (Redis runs each script as one self-contained chunk, so sharing means including)
   * @throws IllegalArgumentException if a resource is missing or a name does not end in {@code .lua}
   */
  public static LuaScript load(String name, String... libraries) {
    StringBuilder source = new StringBuilder();
    for (String library : libraries) {
      source.append(read(library)).append('\n');
    }
    source.append(read(name));
    return new LuaScript(name, source.toString(), sha1(source.toString()));
  }

  private static String read(String name) {
    if (!name.endsWith(".lua")) {
      throw new IllegalArgumentException("script name must end in .lua, was \"" + name + "\"");
    }
    try (InputStream in = LuaScript.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no Lua script resource com/cloutsy/redis/script/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException unreadable) {
      throw new UncheckedIOException("could not read Lua script " + name, unreadable);
    }
  }

  private static String sha1(String source) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("every Java platform must provide SHA-1", impossible);
    }
  }

  @Override
  public String toString() {
    return "LuaScript[" + name + ", sha1=" + sha1 + "]";
  }
}
