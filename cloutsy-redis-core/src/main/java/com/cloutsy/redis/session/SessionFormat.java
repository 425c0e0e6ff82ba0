package com.cloutsy.redis.session;

import com.cloutsy.redis.keys.Keys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The stored form of a session: the seed's JSON object, or an encrypted envelope around its device fields.
 *
 * <p>Plain: {@code {"deviceId":…,"userAgent":…,"userType":"brand",<attributes>,"createdAt":…,"lastSeenAt":…,
 * "expiresAt":…,"absoluteExpiresAt":…}}. Encrypted: {@code {"enc":"v1","kid":…,"iv":…,"ct":…,"createdAt":…,…}}
 * where {@code ct} is AES-GCM of the plain form's device part (device fields and attributes) with the associated
 * data {@code session:v1:<kid>:<userId>:<jti>} (ids {@linkplain Keys#encode encoded}, so the ciphertext cannot be
 * moved to another session or user), {@code iv} the 96-bit nonce, both base64url. The times stay in clear because
 * the Lua scripts read and write them. The scripts add the times; this class writes the rest and reads all of it.
 * Thread-safe.
 */
final class SessionFormat {

  static final String ENCRYPTED_V1 = "v1";

  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder BASE64_DECODER = Base64.getUrlDecoder();

  private final @Nullable SessionEncryption encryption;

  SessionFormat(@Nullable SessionEncryption encryption) {
    this.encryption = encryption;
  }

  /** A session value as read, before its remaining TTL is known. */
  record Stored(Device device, Map<String, String> attributes, Instant createdAt, Instant lastSeenAt,
      @Nullable Instant expiresAt) {

    Session toSession(String jti, Duration remainingTtl) {
      return new Session(jti, device.deviceId(), device.userAgent(), device.userType(), createdAt, lastSeenAt,
          remainingTtl, attributes);
    }
  }

  /** The value to store for a new session, without the times the create script adds; compact JSON. */
  String write(String userId, String jti, Device device) {
    ObjectNode fields = JSON.createObjectNode();
    fields.put("deviceId", device.deviceId());
    fields.put("userAgent", device.userAgent());
    fields.put("userType", device.userType().stored());
    device.attributes().forEach(fields::put);
    if (encryption == null) {
      return JSON.writeValueAsString(fields);
    }
    SessionEncryption.Sealed sealed = encryption.seal(
        JSON.writeValueAsBytes(fields), associatedData(encryption.currentKeyId(), userId, jti));
    ObjectNode envelope = JSON.createObjectNode();
    envelope.put("enc", ENCRYPTED_V1);
    envelope.put("kid", sealed.keyId());
    envelope.put("iv", BASE64.encodeToString(sealed.nonce()));
    envelope.put("ct", BASE64.encodeToString(sealed.ciphertext()));
    return JSON.writeValueAsString(envelope);
  }

  /**
   * Reads a stored value.
   *
   * @param key the Redis key it came from, for the exception message
   * @throws SessionCorruptedException if it is not a session value this store can interpret
   */
  Stored read(String key, String userId, String jti, String value) {
    ObjectNode outer = object(key, value, "is not a JSON object");
    if (encryption != null && !outer.has("enc")) {
      // Whoever can write to Redis could otherwise plant a session with device fields of its choosing.
      throw new SessionCorruptedException(key, "is not encrypted, but session encryption is on");
    }
    boolean encrypted = outer.has("enc");
    ObjectNode deviceFields = encrypted ? decrypt(key, userId, jti, outer) : outer;
    Map<String, String> attributes = new HashMap<>();
    collectAttributes(deviceFields, attributes);
    if (encrypted) {
      collectAttributes(outer, attributes);
    }
    Device device = new Device(optionalString(key, deviceFields, "deviceId"),
        optionalString(key, deviceFields, "userAgent"), userType(key, deviceFields), Map.of());
    Instant createdAt = instant(key, outer, "createdAt");
    if (createdAt == null) {
      throw new SessionCorruptedException(key, "has no createdAt");
    }
    Instant lastSeenAt = instant(key, outer, "lastSeenAt");
    return new Stored(device, attributes, createdAt, lastSeenAt == null ? createdAt : lastSeenAt,
        instant(key, outer, "expiresAt"));
  }

  private ObjectNode decrypt(String key, String userId, String jti, ObjectNode envelope) {
    if (!ENCRYPTED_V1.equals(envelope.path("enc").stringValue(null))) {
      throw new SessionCorruptedException(key, "is encrypted in an unknown format");
    }
    String keyId = envelope.path("kid").stringValue(null);
    if (encryption == null) {
      throw new SessionCorruptedException(key, "is encrypted, but no encryption keys are configured");
    }
    if (keyId == null || !encryption.keyIds().contains(keyId)) {
      throw new SessionCorruptedException(key, "is encrypted under a key id that is not configured"
          + (keyId == null ? "" : " (\"" + keyId + "\")"));
    }
    byte[] plaintext;
    try {
      byte[] nonce = BASE64_DECODER.decode(envelope.path("iv").stringValue(""));
      byte[] ciphertext = BASE64_DECODER.decode(envelope.path("ct").stringValue(""));
      if (nonce.length != SessionEncryption.NONCE_BYTES) {
        throw new SessionCorruptedException(key, "cannot be decrypted: its nonce is not 96 bits");
      }
      if (ciphertext.length < SessionEncryption.TAG_BYTES) {
        throw new SessionCorruptedException(key, "cannot be decrypted: too short to hold an authentication tag");
      }
      plaintext = encryption.open(new SessionEncryption.Sealed(keyId, nonce, ciphertext),
          associatedData(keyId, userId, jti));
    } catch (IllegalArgumentException notBase64) {
      throw new SessionCorruptedException(key, "cannot be decrypted: iv or ct is not base64url");
    } catch (GeneralSecurityException failed) {
      throw new SessionCorruptedException(key, "cannot be decrypted: authentication failed", failed);
    }
    if (plaintext == null) {
      throw new SessionCorruptedException(key, "is encrypted under a key id that is not configured");
    }
    return object(key, new String(plaintext, StandardCharsets.UTF_8), "decrypts to something not a JSON object");
  }

  private static ObjectNode object(String key, String text, String problem) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JacksonException | NumberFormatException unreadable) {
      // Jackson reports a number beyond its limits (such as 1e2222…) as a NumberFormatException.
      // Not attached: the parser's message quotes the offending text, which may be personal data.
      throw new SessionCorruptedException(key, problem);
    }
    if (node instanceof ObjectNode object) {
      return object;
    }
    throw new SessionCorruptedException(key, problem);
  }

  private static void collectAttributes(ObjectNode fields, Map<String, String> attributes) {
    for (Map.Entry<String, JsonNode> field : fields.properties()) {
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (name.isEmpty() || Device.RESERVED_NAMES.contains(name) || value.isNull()) {
        continue;
      }
      attributes.put(name, value.isString() ? value.stringValue() : value.toString());
    }
  }

  private static String optionalString(String key, ObjectNode fields, String name) {
    JsonNode value = fields.get(name);
    if (value == null || value.isNull()) {
      return "";
    }
    if (!value.isString()) {
      throw new SessionCorruptedException(key, "has a " + name + " that is not a string");
    }
    return value.stringValue();
  }

  private static UserType userType(String key, ObjectNode fields) {
    JsonNode value = fields.get("userType");
    if (value != null && value.isString()) {
      for (UserType type : UserType.values()) {
        if (type.stored().equals(value.stringValue())) {
          return type;
        }
      }
    }
    throw new SessionCorruptedException(key, "has no userType \"influencer\" or \"brand\"");
  }

  private static @Nullable Instant instant(String key, ObjectNode fields, String name) {
    JsonNode value = fields.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isString()) {
      try {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(value.stringValue(), Instant::from);
      } catch (DateTimeParseException notIso) {
        // Falls through: the parser's message quotes the text.
      }
    }
    throw new SessionCorruptedException(key, "has a " + name + " that is not an ISO-8601 date-time");
  }

  private static byte[] associatedData(String keyId, String userId, String jti) {
    return ("session:" + ENCRYPTED_V1 + ":" + keyId + ":" + Keys.encode(userId, "userId") + ":"
        + Keys.encode(jti, "jti")).getBytes(StandardCharsets.UTF_8);
  }
}
