package com.cloutsy.redis.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/** One 3 + 3 cluster for the class: formed by commands, every slot served, a killed master replaced. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedRedisClusterTest {

  private final EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start();

  @AfterAll
  void close() {
    cluster.close();
  }

  @Test
  @Order(1)
  void startsThreeMastersWithAReplicaEachAndServesEverySlot() throws Exception {
    assertThat(cluster.nodes()).hasSize(6).allMatch(EmbeddedRedis::isRunning);
    assertThat(cluster.masters()).hasSize(3).containsExactlyInAnyOrderElementsOf(cluster.nodes().subList(0, 3));
    assertThat(cluster.isHealthy()).isTrue();
    for (EmbeddedRedis master : cluster.masters()) {
      assertThat(cluster.replicasOf(master)).hasSize(1);
    }
    for (EmbeddedRedis node : cluster.nodes()) {
      String info = (String) Loopback.call(node.port(), "CLUSTER", "INFO");
      assertThat(info).contains("cluster_state:ok", "cluster_slots_assigned:16384", "cluster_known_nodes:6");
    }
    assertThat(cluster.seeds().split(",")).hasSize(6).allMatch(seed -> seed.startsWith("127.0.0.1:"));
    assertThat(cluster.endpoint().isCluster()).isTrue();
    assertThat(cluster.endpoint().clusterNodes()).hasSize(6);
  }

  @Test
  @Order(2)
  void theMasterOfASlotAnswersForItAndTheOthersRedirect() throws Exception {
    // Slot 0 is the first master's: "{06S}" hashes to slot 0.
    EmbeddedRedis owner = cluster.masterOf(0);
    assertThat(Loopback.call(owner.port(), "SET", "{06S}k", "v")).isEqualTo("OK");
    EmbeddedRedis other = cluster.masters().stream().filter(node -> node != owner).findFirst().orElseThrow();
    Object redirect = Loopback.call(other.port(), "GET", "{06S}k");
    assertThat(redirect).isInstanceOfSatisfying(RespConnection.ErrorReply.class,
        error -> assertThat(error.message()).startsWith("MOVED 0 127.0.0.1:" + owner.port()));
    assertThatThrownBy(() -> cluster.masterOf(16_384)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @Order(3)
  void aKilledMastersReplicaTakesOverItsSlotsAndTheMasterRejoinsAsReplica() {
    EmbeddedRedis victim = cluster.masterOf(0);
    List<EmbeddedRedis> replicas = cluster.replicasOf(victim);

    cluster.kill(victim);
    Duration took = cluster.awaitHealthy(Duration.ofSeconds(20));

    assertThat(victim.isRunning()).isFalse();
    assertThat(cluster.masterOf(0)).isIn(replicas);
    System.out.printf("Cluster failover: slot 0 served again after %d ms%n", took.toMillis());

    victim.restart();
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.replicasOf(cluster.masterOf(0)).contains(victim));
    assertThat(cluster.masters()).hasSize(3).doesNotContain(victim);
  }
}
