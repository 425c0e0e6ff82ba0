package com.cloutsy.redis.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloutsy.redis.LeastPrivilege;
import com.cloutsy.redis.RedisMatrix;
import com.cloutsy.redis.RedisMatrix.Topology;
import com.cloutsy.redis.RedisService;
import com.cloutsy.redis.RunsAs;
import com.cloutsy.redis.TestRedis;
import com.cloutsy.redis.embedded.RedisEndpoint;
import com.cloutsy.redis.keys.KeyLayout;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** AES-GCM at rest: the envelope, key rotation, and values that must not be readable. */
@RunsAs(LeastPrivilege.SESSIONS)
@RedisMatrix(layouts = KeyLayout.CLUSTER, topologies = {Topology.SINGLE, Topology.CLUSTER})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionEncryptionTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Device LAPTOP = Device.of("mbp-secret-device", "Mozilla/5.0 secret-agent", UserType.BRAND)
      .withAttribute("ip", "203.0.113.99");

  private RedisService redis;
  private RedisClusterCommands<String, String> raw;

  @RedisMatrix.BeforeInvocation
  void start(RedisEndpoint endpoint, KeyLayout layout) {
    redis = TestRedis.start(endpoint, layout);
    raw = TestRedis.sync(redis);
  }

  @RedisMatrix.AfterInvocation
  void close() {
    redis.close();
  }

  private SessionStore store(SessionEncryption encryption) {
    return SessionStore.create(redis, SessionPolicy.defaults().withEncryption(encryption));
  }

  private static String newUser() {
    return "u-" + UUID.randomUUID();
  }

  private ObjectNode stored(String user, String jti) {
    return (ObjectNode) JSON.readTree(raw.get(redis.keyNames().session(user, jti)));
  }

  @Test
  void theDeviceIsStoredOnlyAsCiphertextInAVersionedEnvelope() {
    SessionStore store = store(TestKeys.ENCRYPTION);
    String user = newUser();
    store.create(user, "a", LAPTOP);
    store.create(user, "b", LAPTOP);

    String value = raw.get(redis.keyNames().session(user, "a"));
    ObjectNode a = stored(user, "a");
    ObjectNode b = stored(user, "b");

    assertThat(value).doesNotContain("secret", "203.0.113.99", "brand");
    assertThat(a.propertyNames()).containsExactly("enc", "kid", "iv", "ct", "createdAt", "lastSeenAt", "expiresAt",
        "absoluteExpiresAt");
    assertThat(a.get("enc").stringValue()).isEqualTo("v1");
    assertThat(a.get("kid").stringValue()).isEqualTo("k1");
    assertThat(Base64.getUrlDecoder().decode(a.get("iv").stringValue())).hasSize(12);
    assertThat(a.get("iv")).as("a fresh nonce per value").isNotEqualTo(b.get("iv"));
    assertThat(a.get("ct")).isNotEqualTo(b.get("ct"));
    assertThat(store.get(user, "a").orElseThrow().device()).isEqualTo(LAPTOP);
  }

  @Test
  void touchKeepsTheCiphertextAndUpdatesTheTimesBesideIt() {
    SessionStore store = store(TestKeys.ENCRYPTION);
    String user = newUser();
    store.create(user, "a", LAPTOP);
    JsonNode before = stored(user, "a");

    Session touched = store.touch(user, "a").orElseThrow();

    JsonNode after = stored(user, "a");
    assertThat(after.get("ct")).isEqualTo(before.get("ct"));
    assertThat(after.get("iv")).isEqualTo(before.get("iv"));
    assertThat(after.get("lastSeenAt").stringValue()).isEqualTo(touched.lastSeenAt().toString());
    assertThat(touched.device()).isEqualTo(LAPTOP);
    assertThat(store.list(user)).extracting(Session::device).containsExactly(LAPTOP);
  }

  @Test
  void afterRotationOldValuesStayReadableAndNewOnesUseTheNewKey() {
    String user = newUser();
    store(SessionEncryption.of("k1", TestKeys.FIRST)).create(user, "old", LAPTOP);
    SessionStore rotated = store(SessionEncryption.of("k1", TestKeys.FIRST).withCurrentKey("k2", TestKeys.SECOND));

    rotated.create(user, "new", LAPTOP);

    assertThat(stored(user, "old").get("kid").stringValue()).isEqualTo("k1");
    assertThat(stored(user, "new").get("kid").stringValue()).isEqualTo("k2");
    assertThat(rotated.list(user)).extracting(Session::device).containsExactly(LAPTOP, LAPTOP);

    SessionStore oldKeyDropped = store(SessionEncryption.of("k2", TestKeys.SECOND));
    assertThat(oldKeyDropped.get(user, "new")).isPresent();
    assertThatThrownBy(() -> oldKeyDropped.get(user, "old")).isInstanceOf(SessionCorruptedException.class)
        .hasMessage("Session value at " + redis.keyNames().session(user, "old")
            + " is encrypted under a key id that is not configured (\"k1\")");
  }

  @Test
  void anAlteredOrMovedCiphertextFailsAuthentication() {
    SessionStore store = store(TestKeys.ENCRYPTION);
    String user = newUser();
    String victim = newUser();
    store.create(user, "a", LAPTOP);
    ObjectNode value = stored(user, "a");

    raw.set(redis.keyNames().session(victim, "a"), value.toString());
    assertThatThrownBy(() -> store.get(victim, "a")).as("another user's key")
        .isInstanceOf(SessionCorruptedException.class)
        .hasMessageEndingWith("cannot be decrypted: authentication failed");
    raw.set(redis.keyNames().session(user, "b"), value.toString());
    assertThatThrownBy(() -> store.get(user, "b")).as("another jti's key")
        .isInstanceOf(SessionCorruptedException.class).hasMessageEndingWith("authentication failed");

    byte[] ciphertext = Base64.getUrlDecoder().decode(value.get("ct").stringValue());
    ciphertext[3] ^= 1;
    value.put("ct", Base64.getUrlEncoder().withoutPadding().encodeToString(ciphertext));
    raw.set(redis.keyNames().session(user, "a"), value.toString());
    assertThatThrownBy(() -> store.get(user, "a")).isInstanceOf(SessionCorruptedException.class)
        .hasMessageEndingWith("authentication failed").hasMessageNotContaining(value.get("ct").stringValue());

    value.put("ct", "not base64!");
    raw.set(redis.keyNames().session(user, "a"), value.toString());
    assertThatThrownBy(() -> store.get(user, "a")).isInstanceOf(SessionCorruptedException.class)
        .hasMessageEndingWith("iv or ct is not base64url");
    value.put("enc", "v9");
    raw.set(redis.keyNames().session(user, "a"), value.toString());
    assertThatThrownBy(() -> store.get(user, "a")).isInstanceOf(SessionCorruptedException.class)
        .hasMessageEndingWith("is encrypted in an unknown format");
  }

  @Test
  void withEncryptionOnAPlainValueIsRefusedAndEncryptedOnesNeedAKeyRegression16() {
    String user = newUser();
    raw.set(redis.keyNames().session(user, "plain"), "{\"deviceId\":\"d\",\"userAgent\":\"ua\",\"createdAt\":\""
        + Instant.now() + "\",\"userType\":\"influencer\"}");
    store(TestKeys.ENCRYPTION).create(user, "sealed", LAPTOP);

    assertThatThrownBy(() -> store(TestKeys.ENCRYPTION).get(user, "plain"))
        .isInstanceOf(SessionCorruptedException.class)
        .hasMessageEndingWith("is not encrypted, but session encryption is on");
    assertThat(SessionStore.create(redis).get(user, "plain").orElseThrow().deviceId())
        .as("readable where encryption is off").isEqualTo("d");
    assertThatThrownBy(() -> SessionStore.create(redis).get(user, "sealed"))
        .isInstanceOf(SessionCorruptedException.class)
        .hasMessageEndingWith("is encrypted, but no encryption keys are configured");
  }

  @Test
  void keysNeverAppearInTextAndBadKeysAreRefused() {
    SessionEncryption encryption = SessionEncryption.of("k1", TestKeys.FIRST).withKey("k0", TestKeys.SECOND);
    String text = encryption + " " + SessionPolicy.defaults().withEncryption(encryption)
        + " " + SessionStore.create(redis, SessionPolicy.defaults().withEncryption(encryption));

    assertThat(encryption.toString()).isEqualTo("SessionEncryption[current=k1, keyIds=[k1, k0]]");
    assertThat(encryption.currentKeyId()).isEqualTo("k1");
    for (byte[] key : new byte[][] {TestKeys.FIRST, TestKeys.SECOND}) {
      assertThat(text).doesNotContain(HexFormat.of().formatHex(key), Base64.getEncoder().encodeToString(key),
          Base64.getUrlEncoder().withoutPadding().encodeToString(key));
    }
    assertThatThrownBy(() -> SessionEncryption.of("k1", new byte[15])).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key must be 128, 192 or 256 bits, was 120 bits");
    assertThatThrownBy(() -> SessionEncryption.of("k:1", TestKeys.FIRST))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("keyId must be 1 to 64 characters");
    assertThatThrownBy(() -> encryption.withCurrentKey("k0", TestKeys.FIRST))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("keyId \"k0\" is already configured");
    assertThat(SessionEncryption.of("aes128", new byte[16]).keyIds()).containsExactly("aes128");
  }

  @Test
  void theCallersKeyArrayIsCopied() {
    byte[] key = TestKeys.filled(32, 7);
    SessionStore store = store(SessionEncryption.of("k7", key));
    String user = newUser();
    store.create(user, "a", LAPTOP);

    key[0] = 0;

    assertThat(store.get(user, "a")).isPresent();
  }
}
