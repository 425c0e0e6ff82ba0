package com.cloutsy.redis.config;

/**
 * A server address: a host name or IP literal and a TCP port.
 *
 * @param host host name or IP address, not empty
 * @param port TCP port, 1-65535
 */
public record HostPort(String host, int port) {

  /** Validates both parts. */
  public HostPort {
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535, was " + port);
    }
  }

  /**
   * Parses {@code host:port} (an IPv6 literal in brackets: {@code [::1]:6379}).
   *
   * @param text the address
   * @param setting the environment variable it came from, named in the error
   * @throws InvalidSettingException if the text is not {@code host:port} with a valid port
   */
  public static HostPort parse(String text, String setting) {
    String trimmed = text.trim();
    int colon = trimmed.lastIndexOf(':');
    String host = colon > 0 ? trimmed.substring(0, colon) : "";
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isBlank()) {
      throw new InvalidSettingException(setting, setting + " must be host:port, was \"" + text + "\"");
    }
    return new HostPort(host, Environment.port(trimmed.substring(colon + 1), setting));
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
