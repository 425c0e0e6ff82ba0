package com.cloutsy.redis.session;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * AES-GCM keys for encrypting session values at rest, each under a key id that is stored with the value, so keys
 * can be rotated: values are written with the {@linkplain #currentKeyId() current key} and read with whichever
 * configured key they name.
 *
 * <p>Rotation: deploy {@code of("2024-06", old).withCurrentKey("2025-01", fresh)} everywhere (new values under the
 * new key, old ones still readable); once the old sessions have expired (at most the absolute lifetime), drop the
 * old key. A value naming a key id that is not configured cannot be read ({@link SessionCorruptedException}).
 *
 * <p>Keys never appear in {@link #toString()} or in any message; only key ids do. Immutable and thread-safe.
 */
public final class SessionEncryption {

  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final SecureRandom NONCES = new SecureRandom();
  static final int NONCE_BYTES = 12;
  static final int TAG_BYTES = 16;
  private static final int TAG_BITS = TAG_BYTES * 8;

  private final String currentKeyId;
  private final Map<String, SecretKey> keys;

  private SessionEncryption(String currentKeyId, Map<String, SecretKey> keys) {
    this.currentKeyId = currentKeyId;
    this.keys = keys;
  }

  /**
   * Encryption with one key, which is the current one.
   *
   * @param keyId 1 to 64 characters from {@code A-Z a-z 0-9 . _ -}, stored in clear with every value
   * @param key 16, 24 or 32 bytes (AES-128, -192, -256); copied
   * @throws IllegalArgumentException if the key id or the key length is not as described
   * @throws NullPointerException if an argument is null
   */
  public static SessionEncryption of(String keyId, byte[] key) {
    Map<String, SecretKey> keys = new LinkedHashMap<>();
    keys.put(checkKeyId(keyId), secretKey(key));
    return new SessionEncryption(keyId, keys);
  }

  /**
   * This encryption with one more key for reading values written under it; the current key stays.
   *
   * @throws IllegalArgumentException as {@link #of}, or if the key id is already configured
   */
  public SessionEncryption withKey(String keyId, byte[] key) {
    return new SessionEncryption(currentKeyId, plus(keyId, key));
  }

  /**
   * This encryption with one more key, which becomes the current one; the previous keys stay readable.
   *
   * @throws IllegalArgumentException as {@link #of}, or if the key id is already configured
   */
  public SessionEncryption withCurrentKey(String keyId, byte[] key) {
    return new SessionEncryption(keyId, plus(keyId, key));
  }

  /** The id of the key new values are written with. */
  public String currentKeyId() {
    return currentKeyId;
  }

  /** The ids of every configured key, in the order they were added. */
  public Set<String> keyIds() {
    return Collections.unmodifiableSet(keys.keySet());
  }

  /** Names the key ids, never the keys. */
  @Override
  public String toString() {
    return "SessionEncryption[current=" + currentKeyId + ", keyIds=" + keys.keySet() + "]";
  }

  /** The ciphertext of {@code plaintext} under the current key and a fresh random nonce. */
  Sealed seal(byte[] plaintext, byte[] associatedData) {
    byte[] nonce = new byte[NONCE_BYTES];
    NONCES.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData);
      return new Sealed(currentKeyId, nonce, cipher.doFinal(plaintext));
    } catch (GeneralSecurityException impossible) {
      throw new IllegalStateException("AES/GCM/NoPadding is required of every Java platform", impossible);
    }
  }

  /**
   * The plaintext of a sealed value.
   *
   * @return null if no key with that id is configured
   * @throws GeneralSecurityException if authentication fails (wrong key, altered value or associated data)
   */
  byte @Nullable [] open(Sealed sealed, byte[] associatedData) throws GeneralSecurityException {
    SecretKey key = keys.get(sealed.keyId());
    if (key == null) {
      return null;
    }
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.nonce()));
    cipher.updateAAD(associatedData);
    return cipher.doFinal(sealed.ciphertext());
  }

  private Map<String, SecretKey> plus(String keyId, byte[] key) {
    if (keys.containsKey(checkKeyId(keyId))) {
      throw new IllegalArgumentException("keyId \"" + keyId + "\" is already configured");
    }
    Map<String, SecretKey> more = new LinkedHashMap<>(keys);
    more.put(keyId, secretKey(key));
    return more;
  }

  private static String checkKeyId(String keyId) {
    Objects.requireNonNull(keyId, "keyId must not be null");
    if (!KEY_ID.matcher(keyId).matches()) {
      throw new IllegalArgumentException(
          "keyId must be 1 to 64 characters from A-Z a-z 0-9 . _ -, was \"" + keyId + "\"");
    }
    return keyId;
  }

  private static SecretKey secretKey(byte[] key) {
    Objects.requireNonNull(key, "key must not be null");
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw new IllegalArgumentException("key must be 128, 192 or 256 bits, was " + key.length * 8 + " bits");
    }
    return new SecretKeySpec(key, "AES");
  }

  /** A value encrypted under the key {@code keyId}, with the nonce it was encrypted with. */
  @SuppressWarnings("ArrayRecordComponent") // carried between seal/open and the stored JSON, never compared
  record Sealed(String keyId, byte[] nonce, byte[] ciphertext) {}
}
