package com.cloutsy.redis.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EmbeddedSentinelTest {

  @Test
  void threeSentinelsPromoteTheReplicaWhenTheMasterIsKilled() throws Exception {
    try (EmbeddedSentinel topology = EmbeddedSentinel.start()) {
      EmbeddedRedis master = topology.master();
      EmbeddedRedis replica = topology.servers().get(1);
      assertThat(master).isSameAs(topology.servers().get(0));
      assertThat(topology.sentinels()).hasSize(3).allMatch(EmbeddedRedis::isRunning);
      assertThat(topology.sentinelUri())
          .matches("redis-sentinel://127\\.0\\.0\\.1:\\d+(,127\\.0\\.0\\.1:\\d+){2}#cloutsy");
      assertThat(Loopback.call(master.port(), "SET", "k", "v")).isEqualTo("OK");

      long started = System.nanoTime();
      assertThat(topology.killMaster()).isSameAs(master);
      EmbeddedRedis promoted = topology.awaitPromotion(Duration.ofSeconds(15));

      assertThat(promoted).isSameAs(replica);
      assertThat((String) Loopback.call(promoted.port(), "INFO", "replication")).contains("role:master");
      System.out.printf("Sentinel failover: replica promoted %d ms after the master was killed%n",
          (System.nanoTime() - started) / 1_000_000);
    }
  }
}
