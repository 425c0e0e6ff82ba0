package com.cloutsy.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.cloutsy.redis.config.InvalidSettingException;
import com.cloutsy.redis.config.RedisSettings;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * Seeded randomized test of credentials in {@code REDIS_URL} and {@code REDIS_CACHE_URL}: users and passwords of the
 * characters that break naive URL parsing, each written raw and percent-encoded, reach Lettuce exactly, and neither
 * form of the password appears in {@link RedisSettings#toString()} or in the error for an unusable URL. Each run
 * draws a new seed, which every failure message quotes; rerun a failure with {@code -Dcloutsy.url.seed=<seed>}.
 */
class UrlCredentialsPropertyTest {

  private static final String SEED_PROPERTY = "cloutsy.url.seed";
  private static final long SEED = seed();
  private static final int PASSWORDS = 10_000;

  /** Addresses after the user information, with the scheme they go with. */
  private static final List<String[]> ADDRESSES = List.of(
      new String[] {"redis", "h:6379/0"},
      new String[] {"redis", "10.0.0.1:7000/3"},
      new String[] {"rediss", "redis.internal:6380"},
      new String[] {"redis", "cache-1.example.com/2?timeout=5s"},
      new String[] {"redis", "h"},
      new String[] {"redis-sentinel", "s1:26379,s2:26380/1#mymaster"},
      new String[] {"redis-sentinel", "s1,s2?sentinelMasterId=m"});

  @Test
  void everyPasswordAndUserReachesLettuceExactlyAndIsNeverPrinted(TestReporter reporter) {
    reporter.publishEntry(SEED_PROPERTY, String.valueOf(SEED));
    System.out.println("UrlCredentialsPropertyTest seed " + SEED + " (rerun with -D" + SEED_PROPERTY + "=" + SEED
        + ")");
    Random random = new Random(SEED);
    int urls = 0;
    for (int n = 0; n < PASSWORDS; n++) {
      String password = UrlSecrets.password(random);
      String[] address = ADDRESSES.get(random.nextInt(ADDRESSES.size()));
      String user = random.nextInt(4) == 0 ? null : UrlSecrets.user(random, random.nextBoolean());
      for (String userInfo : userInfos(user, password)) {
        String url = address[0] + "://" + userInfo + "@" + address[1];
        Supplier<String> context = () -> "seed " + SEED + " (rerun with -D" + SEED_PROPERTY + "=" + SEED + "), url "
            + url;
        assertParsedAndRedacted(url, address, user, password, context);
        assertRefusedWithoutThePassword(address[0] + "://" + userInfo + "@h:port", password, context);
        urls++;
      }
    }
    reporter.publishEntry("urls", String.valueOf(urls));
    assertThat(urls).isGreaterThanOrEqualTo(2 * PASSWORDS);
  }

  /** The user information in every form that must mean {@code user} and {@code password}. */
  private static List<String> userInfos(@Nullable String user, String password) {
    String encoded = UrlSecrets.encode(password);
    if (user == null) {
      // As in Lettuce, a user information without ':' is a password alone, for the default user.
      return password.indexOf(':') < 0
          ? List.of(":" + password, ":" + encoded, password, encoded)
          : List.of(":" + password, ":" + encoded, encoded);
    }
    String userText = user.indexOf(':') < 0 ? user : UrlSecrets.encode(user);
    return List.of(userText + ":" + password, userText + ":" + encoded, UrlSecrets.encode(user) + ":" + encoded);
  }

  private static void assertParsedAndRedacted(String url, String[] address, @Nullable String user, String password,
      Supplier<String> context) {
    RedisSettings settings = RedisSettings.fromEnvironment(Map.of("REDIS_URL", url, "REDIS_CACHE_URL", url));
    RedisURI expected = RedisURI.create(address[0] + "://" + address[1]);
    for (RedisURI uri : List.of(ClientSetup.redisUri(settings), ClientSetup.redisUri(settings.forCache()))) {
      RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block();
      assertThat(credentials).as(context).isNotNull();
      assertThat(credentials.getUsername()).as(context).isEqualTo(user);
      assertThat(credentials.getPassword()).as(context).isEqualTo(password.toCharArray());
      assertThat(uri.getHost()).as(context).isEqualTo(expected.getHost());
      assertThat(uri.getPort()).as(context).isEqualTo(expected.getPort());
      assertThat(uri.getDatabase()).as(context).isEqualTo(expected.getDatabase());
      assertThat(uri.getSentinelMasterId()).as(context).isEqualTo(expected.getSentinelMasterId());
      assertThat(uri.getSentinels()).as(context).extracting(RedisURI::getHost)
          .isEqualTo(expected.getSentinels().stream().map(RedisURI::getHost).toList());
      assertThat(uri.isSsl()).as(context).isEqualTo(expected.isSsl());
      assertThat(uri.toString()).as(context).doesNotContain(password, UrlSecrets.encode(password));
    }
    if (user == null || user.indexOf(':') < 0) {
      // Lettuce itself reads a fully percent-encoded URL the same way (it cannot split a user with ':' in it).
      RedisURI lettuce = RedisURI.create(address[0] + "://" + (user == null ? "" : UrlSecrets.encode(user)) + ":"
          + UrlSecrets.encode(password) + "@" + address[1]);
      RedisCredentials theirs = lettuce.getCredentialsProvider().resolveCredentials().block();
      assertThat(theirs).as(context).isNotNull();
      assertThat(theirs.getUsername()).as(context).isEqualTo(user);
      assertThat(theirs.getPassword()).as(context).isEqualTo(password.toCharArray());
    }
    String redacted = address[0] + "://****@" + address[1];
    assertThat(settings.toString()).as(context)
        .contains("url=" + redacted, "cacheUrl=" + redacted)
        .doesNotContain(password, UrlSecrets.encode(password));
  }

  private static void assertRefusedWithoutThePassword(String url, String password, Supplier<String> context) {
    for (String variable : List.of("REDIS_URL", "REDIS_CACHE_URL")) {
      Throwable refused = catchThrowable(() -> RedisSettings.fromEnvironment(Map.of(variable, url)));
      assertThat(refused).as(context).isInstanceOf(InvalidSettingException.class).hasNoCause();
      assertThat(((InvalidSettingException) refused).setting()).as(context).isEqualTo(variable);
      assertThat(refused.getMessage()).as(context).startsWith(variable + " must be")
          .doesNotContain(password, UrlSecrets.encode(password));
      assertThat(refused.toString()).as(context).doesNotContain(password, UrlSecrets.encode(password));
    }
  }

  private static long seed() {
    String value = System.getProperty(SEED_PROPERTY);
    return value == null ? new SecureRandom().nextLong() : Long.parseLong(value);
  }
}
