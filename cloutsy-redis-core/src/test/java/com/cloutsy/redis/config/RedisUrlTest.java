package com.cloutsy.redis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedisUrlTest {

  @Test
  void theExampleParsesAsRedisCliReadsItAndIsRedactedRegression16() {
    RedisUrl url = RedisUrl.parse("redis://app:s3cr/et+K@h:6379/0", "REDIS_URL");
    RedisURI uri = url.toRedisUri();

    assertThat(uri.getHost()).isEqualTo("h");
    assertThat(uri.getPort()).isEqualTo(6379);
    assertThat(uri.getDatabase()).isZero();
    assertThat(user(uri)).isEqualTo("app");
    assertThat(password(uri)).isEqualTo("s3cr/et+K");
    assertThat(url.username()).isEqualTo("app");
    assertThat(url).hasToString("redis://****@h:6379/0");
    assertThat(uri.toString()).doesNotContain("s3cr", "et+K");
    assertThat(RedisUrl.parse("redis://ops@team:p@s3cr/et@h:6379/0", "REDIS_URL"))
        .hasToString("redis://****@h:6379/0");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
      redis://app:p%40ss%2Fw%3Ard@h:1/2           | app     | p@ss/w:rd
      redis://app:p@ss/w:rd@h:1/2                 | app     | p@ss/w:rd
      redis://a%3Ab:pw@h                          | a:b     | pw
      redis://ops@team:pw@h                       | ops@team| pw
      redis://:only@h                             | null    | only
      redis://only@h                              | null    | only
      redis://app:50%off@h                        | app     | 50%off
      redis://app:%zz%4%@h                        | app     | %zz%4%
      redis://app:%2541@h                         | app     | %41
      redis://app:caf%C3%A9@h                     | app     | café
      redis://app:café中@h                         | app     | café中
      redis://app:caf%C3%A9é@h                    | app     | caféé
      redis://app:%F0%9F%98%80+@h                 | app     | 😀+
      redis://app:a b?c#d@h                       | app     | a b?c#d
      rediss://app:p%3Fw@h:6380                   | app     | p?w
      """)
  void credentialsAreSplitAtTheLastAtAndTheFirstColonThenDecoded(String text, @Nullable String user,
      String password) {
    RedisURI uri = RedisUrl.parse(text, "REDIS_URL").toRedisUri();

    assertThat(user(uri)).isEqualTo(user);
    assertThat(password(uri)).isEqualTo(password);
    assertThat(uri.getHost()).isEqualTo("h");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      redis://app:p%40ss%2Fw%3Ard@h:1/2?timeout=5s&clientName=x
      redis://:s%23cret@h
      redis://s%23cret@h
      redis://h:7000/3
      rediss://u:p@redis.internal:6380/1?verifyPeer=CA
      redis-sentinel://app:p%40w@s1:26379,s2:26380/2#mymaster
      redis-sentinel://s1,s2?sentinelMasterId=m
      """)
  void aPercentEncodedUrlBecomesWhatLettuceBuildsForIt(String text) {
    RedisURI ours = RedisUrl.parse(text, "REDIS_URL").toRedisUri();
    RedisURI lettuce = RedisURI.create(text);

    assertThat(user(ours)).isEqualTo(user(lettuce));
    assertThat(password(ours)).isEqualTo(password(lettuce));
    assertThat(ours.getHost()).isEqualTo(lettuce.getHost());
    assertThat(ours.getPort()).isEqualTo(lettuce.getPort());
    assertThat(ours.getDatabase()).isEqualTo(lettuce.getDatabase());
    assertThat(ours.getTimeout()).isEqualTo(lettuce.getTimeout());
    assertThat(ours.getClientName()).isEqualTo(lettuce.getClientName());
    assertThat(ours.isSsl()).isEqualTo(lettuce.isSsl());
    assertThat(ours.getVerifyMode()).isEqualTo(lettuce.getVerifyMode());
    assertThat(ours.getSentinelMasterId()).isEqualTo(lettuce.getSentinelMasterId());
    assertThat(ours.getSentinels()).isEqualTo(lettuce.getSentinels());
  }

  @Test
  void anEmptyPasswordMeansNoCredentialsAsInLettuceButTheUrlStillDecides() {
    for (String text : new String[] {"redis://app:@h", "redis://:@h", "redis://@h"}) {
      RedisUrl url = RedisUrl.parse(text, "REDIS_URL");

      assertThat(url.hasUserInfo()).as(text).isTrue();
      assertThat(url.username()).as(text).isNull();
      assertThat(password(url.toRedisUri())).as(text).isNull();
      assertThat(password(RedisURI.create(text))).as(text).isNull();
    }
    assertThat(RedisUrl.parse("redis://h", "REDIS_URL").hasUserInfo()).isFalse();
  }

  @Test
  void anAtInAQueryParameterMustBeEncodedAsTheLastAtEndsTheUserInformation() {
    assertThat(RedisUrl.parse("redis://h/0?clientName=a%40b", "REDIS_URL").toRedisUri().getClientName())
        .isEqualTo("a@b");
    assertThat(RedisUrl.parse("redis://h/0?clientName=a@b", "REDIS_URL").toRedisUri().getHost())
        .as("documented: a raw @ after the host is read as the end of the user information").isEqualTo("b");
  }

  @Test
  void escapesThatAreNotUtf8AreRefusedWithoutThePassword() {
    assertThatThrownBy(() -> RedisUrl.parse("redis://app:s3cr%FFet@h:6379", "REDIS_CACHE_URL"))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessage("REDIS_CACHE_URL: the user or password of \"redis://****@h:6379\" has %-escapes that are not"
            + " UTF-8; write each byte of the UTF-8 form as %XX, and a literal % as %25")
        .hasNoCause()
        .extracting(failure -> ((InvalidSettingException) failure).setting()).isEqualTo("REDIS_CACHE_URL");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      http://app:s3cr/et@h:1            | "http://****@h:1"
      redis://app:s3cr/et@h:port        | "redis://****@h:port"
      redis://ops@team:p@s3cr/et@h:port | "redis://****@h:port"
      redis://app:s3cr/et@              | "redis://****@"
      redis-sentinel://app:s3cr/et@#m   | "redis-sentinel://****@#m"
      redis://app:s3cr/et@h h           | "redis://****@h h"
      redis:/app:s3cr/et@h              | a value without scheme:// (not shown: it may be a password)
      app:s3cr/et@h:1                   | a value without scheme:// (not shown: it may be a password)
      s3cr/et                           | a value without scheme:// (not shown: it may be a password)
      s3cr/et@x://h                     | a value without scheme:// (not shown: it may be a password)
      """)
  void anUnusableUrlIsRefusedNamingTheSettingWithItsUserInformationHidden(String text, String shown) {
    assertThatThrownBy(() -> RedisUrl.parse(text, "REDIS_URL"))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessage("REDIS_URL must be redis://, rediss:// or redis-sentinel://[user:password@]host:port[/db], was "
            + shown)
        .hasNoCause()
        .message().doesNotContain("s3cr");
  }

  @Test
  void argumentsMustNotBeNull() {
    assertThatThrownBy(() -> RedisUrl.parse(null, "REDIS_URL")).isInstanceOf(NullPointerException.class)
        .hasMessage("url must not be null");
    assertThatThrownBy(() -> RedisUrl.parse("redis://h", null)).isInstanceOf(NullPointerException.class)
        .hasMessage("setting must not be null");
  }

  private static @Nullable String user(RedisURI uri) {
    RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block();
    return credentials == null ? null : credentials.getUsername();
  }

  private static @Nullable String password(RedisURI uri) {
    RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block();
    return credentials == null || credentials.getPassword() == null ? null : new String(credentials.getPassword());
  }
}
