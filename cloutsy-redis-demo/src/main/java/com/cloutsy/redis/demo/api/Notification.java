package com.cloutsy.redis.demo.api;

import java.time.Instant;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A notification for one user, as published on the seed's {@code user:notifications} channel and delivered on that
 * user's stream.
 *
 * @param userId whom it is for
 * @param type what kind it is, such as {@code message}
 * @param data anything the sender attached, as JSON
 * @param sentAt when it was published
 */
public record Notification(String userId, String type, @Nullable JsonNode data, Instant sentAt) {}
