package com.cloutsy.redis.script;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A Lua script read from a resource of this package, with the libraries its header includes and the SHA-1 that
 * EVALSHA names it by. Load each script once (a {@code static final} field) and share it: instances are immutable.
 *
 * <p>Redis runs each script as one self-contained chunk, so sharing functions means including their text. A header
 * line {@code -- Includes: session-library.lua} (several names separated by commas) puts the named resources of this
 * folder before the script, each after its own includes, each once. The script remembers which file and line every
 * line of the built source came from, so that {@link ScriptRunner} reports a script error at {@code
 * session-library.lua:40} rather than at a line of the concatenation.
 */
public final class LuaScript {

  private static final String FOLDER = "com/cloutsy/redis/script/";
  private static final String INCLUDES = "-- Includes:";
  private static final String COMMENT = "--";
  /** A line of the built source as Redis names it: {@code user_script:17}, in 6.2 also {@code user_script: 17}. */
  private static final Pattern POSITION = Pattern.compile("user_script: ?(\\d+)");

  private final String name;
  private final String source;
  private final String sha1;
  private final List<String> lineOrigins;

  private LuaScript(String name, String source, List<String> lineOrigins) {
    this.name = name;
    this.source = source;
    this.sha1 = sha1(source);
    this.lineOrigins = List.copyOf(lineOrigins);
  }

  /**
   * Reads {@code com/cloutsy/redis/script/<name>} from the class path with the libraries its header includes, and
   * computes the SHA-1 of the result.
   *
   * @param name the script's resource name, ending in {@code .lua}
   * @return the script
   * @throws IllegalArgumentException if a resource is missing, a name does not end in {@code .lua} or includes form a
   *     cycle; the message names the script and the chain of includes that led there
   */
  public static LuaScript load(String name) {
    Objects.requireNonNull(name, "name must not be null");
    Assembly assembly = new Assembly();
    assembly.add(name, List.of());
    return new LuaScript(name, assembly.source.toString(), assembly.lineOrigins);
  }

  /** The resource name of the script itself, e.g. {@code otp-request.lua}. */
  public String name() {
    return name;
  }

  /** The text sent with EVAL: the included libraries, then the script. */
  public String source() {
    return source;
  }

  /** The lowercase hex SHA-1 of the UTF-8 source, as Redis computes it. */
  public String sha1() {
    return sha1;
  }

  /**
   * {@code message} with the positions in the built source that Redis names ({@code user_script:41}) given as the
   * file and line they came from ({@code session-library.lua:12}). A position in Lua's own message is replaced; a
   * position after {@code @} is the frame Redis 6.2 puts before the error reply of a failed {@code redis.call}
   * ({@code @user_script:41: WRONGTYPE ...}), which the service reads to classify the error, so it stays and its origin
   * is added at the end. Positions outside the source stay as they are.
   */
  String located(String message) {
    Matcher position = POSITION.matcher(message);
    StringBuilder located = new StringBuilder();
    Set<String> frames = new LinkedHashSet<>();
    while (position.find()) {
      String origin = origin(position.group(1));
      boolean frame = position.start() > 0 && message.charAt(position.start() - 1) == '@';
      if (frame && origin != null) {
        frames.add("user_script:" + position.group(1) + " is " + origin);
      }
      position.appendReplacement(located,
          Matcher.quoteReplacement(origin == null || frame ? position.group() : origin));
    }
    position.appendTail(located);
    return frames.isEmpty() ? located.toString() : located + " (" + String.join(", ", frames) + ")";
  }

  private @Nullable String origin(String line) {
    int index;
    try {
      index = Integer.parseInt(line) - 1;
    } catch (NumberFormatException tooLong) {
      return null;
    }
    return index >= 0 && index < lineOrigins.size() ? lineOrigins.get(index) : null;
  }

  @Override
  public String toString() {
    return "LuaScript[" + name + ", sha1=" + sha1 + "]";
  }

  /** Builds one script's source: includes depth first, each once, with the origin of every line. */
  private static final class Assembly {

    private final StringBuilder source = new StringBuilder();
    private final List<String> lineOrigins = new ArrayList<>();
    private final Set<String> added = new HashSet<>();

    /** Adds {@code name} after its includes; {@code includers} is the chain of scripts that led to it. */
    void add(String name, List<String> includers) {
      List<String> chain = new ArrayList<>(includers);
      chain.add(name);
      if (includers.contains(name)) {
        throw new IllegalArgumentException("Lua include cycle: " + String.join(" includes ", chain));
      }
      if (!added.add(name)) {
        return;
      }
      String text;
      try {
        text = read(name);
      } catch (IllegalArgumentException refused) {
        if (includers.isEmpty()) {
          throw refused;
        }
        throw new IllegalArgumentException(String.join(" includes ", chain) + ": " + refused.getMessage(), refused);
      }
      for (String include : includes(text)) {
        add(include, chain);
      }
      append(name, text);
    }

    private void append(String name, String text) {
      long lines = text.lines().count();
      for (int line = 1; line <= lines; line++) {
        lineOrigins.add(name + ":" + line);
      }
      source.append(text);
      if (!text.isEmpty() && !text.endsWith("\n")) {
        source.append('\n');
      }
    }

    /** The names on the {@code -- Includes:} lines of the comment block that opens {@code text}. */
    private static List<String> includes(String text) {
      List<String> names = new ArrayList<>();
      for (String line : text.lines().takeWhile(line -> line.startsWith(COMMENT)).toList()) {
        if (line.startsWith(INCLUDES)) {
          for (String include : line.substring(INCLUDES.length()).split(",", -1)) {
            names.add(include.strip());
          }
        }
      }
      return names;
    }
  }

  private static String read(String name) {
    if (!name.endsWith(".lua")) {
      throw new IllegalArgumentException("script name must end in .lua, was \"" + name + "\"");
    }
    try (InputStream in = LuaScript.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no Lua script resource " + FOLDER + name);
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
}
