package com.cloutsy.redis.demo.api;

import com.cloutsy.redis.autoconfigure.web.RateLimited;
import com.cloutsy.redis.demo.ApiException;
import com.cloutsy.redis.demo.auth.Caller;
import com.cloutsy.redis.demo.auth.RequiresSession;
import com.cloutsy.redis.pubsub.EventBus;
import java.time.Clock;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;

/**
 * Notifications through the starter's {@link EventBus}: publish one to a user on {@code user:notifications}, and
 * follow one's own as Server-Sent Events. Publishing stands in for another service of the platform, so it takes no
 * session but a service credential: the ops key in {@code X-Ops-Key}, or in the dev profile without a key a caller on
 * this machine (the ops package's rule, applied before this controller); anonymous publishing is 401. It is rate
 * limited per caller.
 */
@RestController
@RequestMapping("/api/notifications")
class NotificationController {

  private static final int MAX_TEXT = 128;

  private final EventBus bus;
  private final NotificationHub hub;
  private final Clock clock = Clock.systemUTC();

  NotificationController(EventBus bus, NotificationHub hub) {
    this.bus = bus;
    this.hub = hub;
  }

  record Publish(@Nullable String userId, @Nullable String type, @Nullable JsonNode data) {}

  /**
   * The answer to a publish.
   *
   * @param receivers how many service instances' subscribers Redis handed the event to
   */
  record Published(long receivers) {}

  /** 202 once Redis took the event; it reaches the user's streams on every instance that has one open. */
  @PostMapping
  @RateLimited(name = "notifications", limit = 60, window = "1m")
  ResponseEntity<Published> publish(@RequestBody Publish body) {
    String userId = text(body.userId(), "userId");
    String type = text(body.type(), "type");
    long receivers = bus.publish(NotificationHub.CHANNEL, new Notification(userId, type, body.data(), clock.instant()));
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Published(receivers));
  }

  /** The caller's notifications as {@code text/event-stream}: a {@code ready} event, then {@code notification}s. */
  @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @RequiresSession
  @RateLimited(name = "notifications-stream", limit = 10, window = "1m")
  SseEmitter stream(Caller caller) {
    return hub.open(caller.userId());
  }

  private static String text(@Nullable String value, String name) {
    if (value == null || value.isBlank() || value.length() > MAX_TEXT) {
      throw ApiException.of(HttpStatus.BAD_REQUEST, "invalid_" + name,
          name + " must be 1-" + MAX_TEXT + " characters.");
    }
    return value;
  }
}
