package com.cloutsy.redis.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisMatrix;
import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.codec.CodecException;
import com.cloutsy.redis.embedded.RedisEndpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

@RunsAs(LeastPrivilege.PUBSUB)
@RedisMatrix(topologies = {Topology.SINGLE, Topology.CLUSTER})
class EventBusTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  record Notification(long userId, String type, String text) {}

  record Numbered(String stream, long n) {}

  record Unwritable() {
    public String getValue() {
      throw new IllegalStateException("cannot be written");
    }
  }

  private final RedisService redis;
  private final EventBus bus;

  EventBusTest(RedisEndpoint endpoint) {
    redis = TestRedis.start(endpoint);
    bus = EventBus.create(redis);
  }

  @AfterEach
  void close() {
    bus.close();
    redis.close();
  }

  /** PUBLISH's receiver count; on a cluster it counts only the subscribers on the node that took the message. */
  private void assertReceivers(long receivers, long expected, String why) {
    if (redis.isCluster()) {
      assertThat(receivers).as(why + " (node-local on a cluster)").isBetween(0L, expected);
    } else {
      assertThat(receivers).as(why).isEqualTo(expected);
    }
  }

  /** Subscribers of the channel by name on every node (PUBSUB NUMSUB): exact on a cluster too. */
  private long subscribers(String channel) {
    String name = redis.keyNames().prefix() + channel;
    RedisService admin = TestRedis.admin(redis);
    if (!admin.isCluster()) {
      return admin.connection().sync().pubsubNumsub(name).getOrDefault(name, 0L);
    }
    long total = 0;
    for (Map<String, Long> node : admin.clusterConnection().sync().all().commands().pubsubNumsub(name)) {
      total += node.getOrDefault(name, 0L);
    }
    return total;
  }

  private long count(String name) {
    return redis.runtime().counters().counter(name).count();
  }

  @Test
  void publishesTypedEventsToASubscriberOfTheChannel() {
    List<String> channels = new CopyOnWriteArrayList<>();
    List<Notification> received = new CopyOnWriteArrayList<>();
    bus.subscribe("user:notifications", Notification.class, (channel, event) -> {
      channels.add(channel);
      received.add(event);
    });

    long receivers = bus.publish("user:notifications", new Notification(123, "message", "Hello!"));

    assertReceivers(receivers, 1, "one subscriber");
    await().atMost(WAIT).until(() -> received.size() == 1);
    assertThat(received).containsExactly(new Notification(123, "message", "Hello!"));
    assertThat(channels).as("without the key prefix").containsExactly("user:notifications");
    assertThat(count("cloutsy.redis.pubsub.published")).isEqualTo(1);
    assertThat(count("cloutsy.redis.pubsub.received")).isEqualTo(1);
  }

  @Test
  void messagesTravelAsTheCodecsJsonUnderTheKeyPrefix() {
    List<String> raw = new CopyOnWriteArrayList<>();
    try (var subscriber = redis.connectPubSub()) {
      subscriber.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          raw.add(channel + " " + message);
        }
      });
      subscriber.sync().subscribe(redis.keyNames().prefix() + "config:changed");

      bus.publish("config:changed", Map.of("section", "mail"));

      await().atMost(WAIT).until(() -> raw.size() == 1);
      assertThat(raw).containsExactly(redis.keyNames().prefix() + "config:changed {\"section\":\"mail\"}");
    }
  }

  @Test
  void deliversTheEventsOfEachChannelInPublishOrderWhileChannelsRunInParallel() {
    int perChannel = 2_000;
    List<String> streams = List.of("orders", "payments", "shipments");
    Map<String, List<Long>> received = new ConcurrentHashMap<>();
    for (String stream : streams) {
      List<Long> numbers = new CopyOnWriteArrayList<>();
      received.put(stream, numbers);
      bus.subscribe("events:" + stream, Numbered.class, (channel, event) -> numbers.add(event.n()));
    }

    // Publishers race each other, but each publishes its own channel's events in order on the shared connection.
    streams.parallelStream().forEach(stream -> {
      List<java.util.concurrent.CompletionStage<Long>> sent = new ArrayList<>();
      for (long n = 0; n < perChannel; n++) {
        sent.add(bus.publishAsync("events:" + stream, new Numbered(stream, n)));
      }
      sent.forEach(stage -> redis.runtime().await(stage));
    });

    await().atMost(WAIT).until(() -> received.values().stream().allMatch(numbers -> numbers.size() == perChannel));
    List<Long> expected = LongStream.range(0, perChannel).boxed().toList();
    streams.forEach(stream -> assertThat(received.get(stream)).as(stream).isEqualTo(expected));
  }

  @Test
  void aPatternSubscriptionReceivesEveryMatchingChannelWithItsName() {
    List<String> received = new CopyOnWriteArrayList<>();
    Subscription subscription = bus.psubscribe("user:*:notifications", Notification.class,
        (channel, event) -> received.add(channel + "=" + event.userId()));

    bus.publish("user:1:notifications", new Notification(1, "t", "a"));
    bus.publish("user:2:notifications", new Notification(2, "t", "b"));
    bus.publish("user:3:other", new Notification(3, "t", "c"));

    await().atMost(WAIT).until(() -> received.size() == 2);
    assertThat(received).containsExactly("user:1:notifications=1", "user:2:notifications=2");
    assertThat(subscription.isPattern()).isTrue();
    assertThat(subscription.channel()).isEqualTo("user:*:notifications");
  }

  @Test
  void aChannelSubscribedByNameAndByPatternReachesBothAndGenericTypesDecode() {
    List<String> received = new CopyOnWriteArrayList<>();
    bus.subscribe("prices", new TypeReference<List<Integer>>() {}, (channel, prices) -> received.add("name " + prices));
    bus.psubscribe("pri*", new TypeReference<List<Integer>>() {}, (channel, prices) -> received.add("glob " + prices));

    assertReceivers(bus.publish("prices", List.of(3, 4)), 2, "one connection, counted once per subscription kind");

    await().atMost(WAIT).until(() -> received.size() == 2);
    assertThat(received).containsExactlyInAnyOrder("name [3, 4]", "glob [3, 4]");
  }

  @Test
  void aListenerThatThrowsStopsNeitherOtherListenersNorLaterEvents() {
    List<Long> healthy = new CopyOnWriteArrayList<>();
    List<Long> failingSaw = new CopyOnWriteArrayList<>();
    bus.subscribe("jobs", Numbered.class, (channel, event) -> {
      failingSaw.add(event.n());
      if (event.n() % 2 == 0) {
        throw new IllegalStateException("listener bug on " + event.n());
      }
    });
    bus.subscribe("jobs", Numbered.class, (channel, event) -> healthy.add(event.n()));

    for (long n = 0; n < 10; n++) {
      bus.publish("jobs", new Numbered("jobs", n));
    }

    await().atMost(WAIT).until(() -> healthy.size() == 10 && failingSaw.size() == 10);
    assertThat(healthy).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(failingSaw).as("the failing listener still gets every later event").hasSize(10);
    assertThat(count("cloutsy.redis.pubsub.listener.errors")).isEqualTo(5);
  }

  @Test
  void aMessageThatCannotBeDecodedIsCountedAndNotDelivered() {
    List<Notification> received = new CopyOnWriteArrayList<>();
    bus.subscribe("user:notifications", Notification.class, (channel, event) -> received.add(event));
    String channel = redis.keyNames().prefix() + "user:notifications";

    redis.runtime().await(redis.runtime().commands().publish(channel, "not json"));
    redis.runtime().await(redis.runtime().commands().publish(channel, "null"));
    bus.publish("user:notifications", new Notification(7, "message", "after"));

    await().atMost(WAIT).until(() -> received.size() == 1);
    assertThat(received).containsExactly(new Notification(7, "message", "after"));
    assertThat(count("cloutsy.redis.pubsub.undecodable")).isEqualTo(2);
    assertThat(count("cloutsy.redis.pubsub.received")).isEqualTo(3);
  }

  @Test
  void whenASubscriptionsQueueIsFullNewerEventsAreDroppedAndCountedWithoutStallingOthers() throws Exception {
    EventBus small = EventBus.create(redis, EventBusPolicy.defaults().withQueueCapacity(10));
    try {
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      List<Long> slow = new CopyOnWriteArrayList<>();
      List<Long> fast = new CopyOnWriteArrayList<>();
      small.subscribe("slow", Numbered.class, (channel, event) -> {
        started.countDown();
        assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
        slow.add(event.n());
      });
      small.subscribe("fast", Numbered.class, (channel, event) -> fast.add(event.n()));

      small.publish("slow", new Numbered("slow", 0));
      assertThat(started.await(10, TimeUnit.SECONDS)).as("the listener holds event 0").isTrue();
      for (long n = 1; n < 50; n++) {
        small.publish("slow", new Numbered("slow", n));
      }
      // Fewer than the queue holds: the point is that this lane is not held up by the slow one, not its speed.
      for (long n = 0; n < 5; n++) {
        small.publish("fast", new Numbered("fast", n));
      }

      await().atMost(WAIT).until(() -> fast.size() == 5);
      assertThat(count("cloutsy.redis.pubsub.dropped")).as("39 of the 49 waiting events found the queue full")
          .isEqualTo(39);
      assertThat(count("cloutsy.redis.pubsub.received")).isEqualTo(55);
      assertThat(slow).as("the slow listener is still busy with event 0").isEmpty();

      release.countDown();
      await().atMost(WAIT).until(() -> slow.size() == 11);
      assertThat(slow).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
      small.publish("slow", new Numbered("slow", 50));
      await().atMost(WAIT).until(() -> slow.size() == 12);
      assertThat(slow).endsWith(50L);
    } finally {
      small.close();
    }
  }

  @Test
  void closingTheLastSubscriptionOfAChannelUnsubscribesOnTheServer() {
    List<Long> first = new CopyOnWriteArrayList<>();
    Subscription one = bus.subscribe("news", Numbered.class, (channel, event) -> first.add(event.n()));
    Subscription two = bus.subscribe("news", Numbered.class, (channel, event) -> { });

    one.close();
    one.close();
    assertThat(one.isActive()).isFalse();
    assertReceivers(bus.publish("news", new Numbered("news", 1)), 1, "the other subscription keeps the channel");
    assertThat(subscribers("news")).isEqualTo(1);

    two.close();
    await().atMost(WAIT).until(() -> subscribers("news") == 0);
    assertThat(bus.publish("news", new Numbered("news", 2))).isZero();
    assertThat(first).isEmpty();
    assertThat(bus.subscribe("news", Numbered.class, (channel, event) -> first.add(event.n())).isActive()).isTrue();
    assertReceivers(bus.publish("news", new Numbered("news", 3)), 1, "subscribed again");
    await().atMost(WAIT).until(() -> first.equals(List.of(3L)));
  }

  @Test
  void closingTheBusEndsEverySubscriptionAndRefusesNewWork() {
    Subscription subscription = bus.subscribe("news", Numbered.class, (channel, event) -> { });
    assertThat(bus.isConnected()).isTrue();

    bus.close();
    bus.close();

    assertThat(subscription.isActive()).isFalse();
    assertThat(bus.isConnected()).isFalse();
    await().atMost(WAIT).until(() -> subscribers("news") == 0);
    assertThatThrownBy(() -> bus.subscribe("news", Numbered.class, (channel, event) -> { }))
        .isInstanceOf(IllegalStateException.class).hasMessage("EventBus is closed");
    assertThatThrownBy(() -> bus.publish("news", new Numbered("news", 1)))
        .isInstanceOf(IllegalStateException.class).hasMessage("EventBus is closed");
  }

  @Test
  void publishingNeedsNoSubscriberConnectionAndReportsZeroReceivers() {
    assertThat(bus.publish("nobody:listens", new Numbered("x", 1))).isZero();
    assertThat(bus.isConnected()).as("no subscriber connection was opened").isFalse();
  }

  @Test
  void misuseIsRefusedNamingTheArgument() {
    EventListener<Numbered> ignore = (channel, event) -> { };
    assertThatIllegalArgumentException().isThrownBy(() -> bus.subscribe("", Numbered.class, ignore))
        .withMessage("channel must not be empty");
    assertThatIllegalArgumentException().isThrownBy(() -> bus.psubscribe("", Numbered.class, ignore))
        .withMessage("pattern must not be empty");
    assertThatNullPointerException().isThrownBy(() -> bus.subscribe("c", Numbered.class, null))
        .withMessage("listener must not be null");
    assertThatNullPointerException().isThrownBy(() -> bus.subscribe("c", (Class<Numbered>) null, ignore))
        .withMessage("type must not be null");
    assertThatNullPointerException().isThrownBy(() -> bus.publish("c", null))
        .withMessage("event must not be null");
    assertThatThrownBy(() -> bus.publish("c", new Unwritable())).isInstanceOf(CodecException.class);
    assertThatIllegalArgumentException().isThrownBy(() -> EventBusPolicy.defaults().withQueueCapacity(0))
        .withMessage("queueCapacity must be >= 1, was 0");
    assertThatIllegalArgumentException().isThrownBy(() -> EventBusPolicy.defaults().withDispatchThreads(0))
        .withMessage("dispatchThreads must be 1-256, was 0");
  }

  @Test
  void manySubscriptionsOnFewThreadsAllReceiveEverything() {
    EventBus narrow = EventBus.create(redis, EventBusPolicy.defaults().withDispatchThreads(1));
    try {
      Map<Integer, List<Long>> received = new ConcurrentHashMap<>();
      IntStream.range(0, 20).forEach(i -> {
        List<Long> numbers = new CopyOnWriteArrayList<>();
        received.put(i, numbers);
        narrow.subscribe("fanout", Numbered.class, (channel, event) -> numbers.add(event.n()));
      });
      for (long n = 0; n < 200; n++) {
        narrow.publish("fanout", new Numbered("fanout", n));
      }

      await().atMost(WAIT).until(() -> received.values().stream().allMatch(numbers -> numbers.size() == 200));
      List<Long> expected = LongStream.range(0, 200).boxed().toList();
      received.values().forEach(numbers -> assertThat(numbers).isEqualTo(expected));
    } finally {
      narrow.close();
    }
  }
}
