package com.cloutsy.redis.embedded;

/**
 * Starts a server and returns from main without closing it, so only the shutdown hook can stop it; run in a child
 * JVM by {@link EmbeddedRedisShutdownHookTest}.
 */
final class OrphanedServerMain {

  private OrphanedServerMain() {}

  public static void main(String[] args) {
    EmbeddedRedis redis = EmbeddedRedis.start();
    System.out.println("pid=" + redis.pid() + " port=" + redis.port());
    if (args.length > 0 && args[0].equals("pause")) {
      redis.pause();
    }
  }
}
