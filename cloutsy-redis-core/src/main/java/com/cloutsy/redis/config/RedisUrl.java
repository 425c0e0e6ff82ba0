package com.cloutsy.redis.config;

import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@code redis://}, {@code rediss://} or {@code redis-sentinel://} URL whose user and password may contain any
 * character, split as redis-cli splits one and turned into the {@link RedisURI} Lettuce builds for the same URL
 * written fully percent-encoded.
 *
 * <p>The user information runs from {@code ://} to the <em>last</em> {@code @} of the URL, so a password may contain
 * a raw {@code @} (and {@code /}, {@code ?}, {@code #}, {@code :}); an {@code @} after the host, in a query parameter
 * or a Sentinel master name, must therefore be written {@code %40}. The user is what precedes the first {@code :},
 * the password the rest, both percent-decoded: {@code %XX} is a byte of UTF-8, a {@code %} not followed by two hex
 * digits stays as it is ({@code 50%off} works raw, a literal {@code %41} must be written {@code %2541}), and
 * characters outside ASCII may be written raw. As in Lettuce, user information without a {@code :}, or starting
 * with one, is a password alone (for the {@code default} user), and an empty password means no credentials. Host,
 * port, database, query parameters and Sentinel nodes are parsed by Lettuce's {@link RedisURI#create(String)}.
 *
 * <p>{@link #toString()} shows {@code ****} in place of the user information; the password leaves this class only
 * inside the {@link RedisURI} of {@link #toRedisUri()}. Immutable and thread-safe.
 */
public final class RedisUrl {

  private static final List<String> SCHEMES = List.of("redis", "rediss", "redis-sentinel");
  private static final String HIDDEN = "****";
  private static final String NOT_SHOWN = "a value without scheme:// (not shown: it may be a password)";

  private final String scheme;
  private final String address;
  private final boolean hasUserInfo;
  private final @Nullable String username;
  private final @Nullable String password;

  private RedisUrl(String scheme, String address, boolean hasUserInfo, @Nullable String username,
      @Nullable String password) {
    this.scheme = scheme;
    this.address = address;
    this.hasUserInfo = hasUserInfo;
    this.username = username;
    this.password = password;
  }

  /**
   * Parses and validates a URL.
   *
   * @param url the URL, e.g. {@code redis://app:s3cr/et+K@redis.internal:6379/0}
   * @param setting the environment variable it came from, named in the error
   * @throws InvalidSettingException if the URL is not one of the three schemes with a host and a valid port (or at
   *     least one sentinel), or its user information is not valid UTF-8 once decoded; the message names the setting
   *     and shows the URL with its user information hidden, and the exception has no cause, as the parsers' messages
   *     repeat the URL
   */
  public static RedisUrl parse(String url, String setting) {
    Objects.requireNonNull(url, "url must not be null");
    Objects.requireNonNull(setting, "setting must not be null");
    int schemeEnd = url.indexOf("://");
    String scheme = schemeEnd < 0 ? "" : url.substring(0, schemeEnd);
    if (!SCHEMES.contains(scheme)) {
      throw invalid(url, setting);
    }
    int start = schemeEnd + 3;
    int at = url.lastIndexOf('@');
    if (at < start) {
      return new RedisUrl(scheme, validAddress(url, scheme, url.substring(start), setting), false, null, null);
    }
    String address = validAddress(url, scheme, url.substring(at + 1), setting);
    String userInfo = url.substring(start, at);
    int colon = userInfo.indexOf(':');
    String user = colon > 0 ? decode(userInfo.substring(0, colon), url, setting) : null;
    String password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1), url, setting);
    return password.isEmpty()
        ? new RedisUrl(scheme, address, true, null, null)
        : new RedisUrl(scheme, address, true, user, password);
  }

  /**
   * The text with {@code ****} in place of any user information (up to the last {@code @}), quoted, for messages;
   * also for text that is not a valid URL. Text without a {@code scheme://} prefix is not shown at all: it may be a
   * password set by mistake.
   */
  private static String shown(String text) {
    int schemeEnd = text.indexOf("://");
    if (schemeEnd < 1 || !isScheme(text.substring(0, schemeEnd))) {
      return NOT_SHOWN;
    }
    int at = text.lastIndexOf('@');
    return "\"" + (at < schemeEnd + 3 ? text : text.substring(0, schemeEnd + 3) + HIDDEN + text.substring(at)) + "\"";
  }

  /**
   * A new {@link RedisURI} for this URL, carrying its credentials, if any, in a {@link StaticCredentialsProvider};
   * its {@code toString()} shows no credentials. The caller may change it.
   */
  public RedisURI toRedisUri() {
    RedisURI uri = RedisURI.create(scheme + "://" + address);
    if (password != null) {
      uri.setCredentialsProvider(new StaticCredentialsProvider(username, password.toCharArray()));
    }
    return uri;
  }

  /** Whether the URL has user information, so that it, and not separate settings, decides the credentials. */
  public boolean hasUserInfo() {
    return hasUserInfo;
  }

  /** The user the credentials are for, or null for the {@code default} user or when there are none. */
  public @Nullable String username() {
    return username;
  }

  /** The URL with {@code ****} in place of the user information. */
  @Override
  public String toString() {
    return scheme + "://" + (hasUserInfo ? HIDDEN + "@" : "") + address;
  }

  private static String validAddress(String url, String scheme, String address, String setting) {
    String stripped = scheme + "://" + address;
    try {
      RedisURI parsed = RedisURI.create(stripped);
      // Lettuce accepts "redis://h:x" as host "h:x"; java.net.URI finds no server-based authority in it.
      boolean wellFormed = scheme.equals("redis-sentinel")
          ? !parsed.getSentinels().isEmpty()
          : URI.create(stripped).getHost() != null && parsed.getPort() > 0;
      if (wellFormed) {
        return address;
      }
    } catch (IllegalArgumentException | IllegalStateException malformed) {
      // Reported below with the setting's name; the parsers' messages repeat the URL, so they are not kept.
    }
    throw invalid(url, setting);
  }

  /** Percent-decodes as UTF-8; a '%' that does not start an escape of two hex digits stays as it is. */
  private static String decode(String text, String url, String setting) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    int raw = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '%' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0
          && hex(text.charAt(i + 2)) >= 0) {
        bytes.writeBytes(text.substring(raw, i).getBytes(StandardCharsets.UTF_8));
        bytes.write(hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
        i += 2;
        raw = i + 1;
      }
    }
    bytes.writeBytes(text.substring(raw).getBytes(StandardCharsets.UTF_8));
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException notUtf8) {
      throw new InvalidSettingException(setting, setting + ": the user or password of " + shown(url)
          + " has %-escapes that are not UTF-8; write each byte of the UTF-8 form as %XX, and a literal % as %25");
    }
  }

  private static int hex(char c) {
    return c < 128 ? Character.digit(c, 16) : -1;
  }

  private static boolean isScheme(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!letter && (i == 0 || !((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))) {
        return false;
      }
    }
    return true;
  }

  private static InvalidSettingException invalid(String url, String setting) {
    return new InvalidSettingException(setting, setting
        + " must be redis://, rediss:// or redis-sentinel://[user:password@]host:port[/db], was " + shown(url));
  }
}
