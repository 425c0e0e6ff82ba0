package com.cloutsy.redis.embedded;

import java.util.List;

/** What the multi-process topologies share. */
final class Processes {

  private Processes() {}

  /**
   * Closes every server, also when one fails to close, so no process is left behind; then throws the first
   * failure with the others suppressed.
   */
  static void closeAll(List<EmbeddedRedis> servers) {
    RuntimeException first = null;
    for (EmbeddedRedis server : servers) {
      try {
        server.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
