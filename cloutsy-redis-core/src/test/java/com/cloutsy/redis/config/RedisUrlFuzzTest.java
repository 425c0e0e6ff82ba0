package com.cloutsy.redis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer fuzz test of {@link RedisUrl}: any text either parses, and then prints with {@code ****} for everything
 * between {@code ://} and the last {@code @}, or is refused with an {@link InvalidSettingException} whose message shows
 * the text with that part hidden (or not at all); no other exception, and nothing of the user information, may come
 * out.
 *
 * <p>A normal test run replays the seed inputs under {@code src/test/resources/com/cloutsy/redis/config/
 * RedisUrlFuzzTestInputs/anyTextParsesOrIsRefusedWithoutItsUserInformation/}. To fuzz, run with the environment
 * variable {@code JAZZER_FUZZ=1}. The input is read as UTF-8.
 */
class RedisUrlFuzzTest {

  private static final String EXPECTED =
      "REDIS_URL must be redis://, rediss:// or redis-sentinel://[user:password@]host:port[/db], was ";
  private static final String NOT_SHOWN = "a value without scheme:// (not shown: it may be a password)";

  @FuzzTest(maxDuration = "5m")
  void anyTextParsesOrIsRefusedWithoutItsUserInformation(FuzzedDataProvider data) {
    String text = new String(data.consumeRemainingAsBytes(), StandardCharsets.UTF_8);
    int schemeEnd = text.indexOf("://");
    int at = text.lastIndexOf('@');
    boolean hasUserInfo = schemeEnd >= 0 && at >= schemeEnd + 3;
    String redacted = !hasUserInfo ? text : text.substring(0, schemeEnd + 3) + "****" + text.substring(at);

    RedisUrl url;
    try {
      url = RedisUrl.parse(text, "REDIS_URL");
    } catch (InvalidSettingException refused) {
      assertThat(refused).as(text).hasNoCause();
      assertThat(refused.getMessage()).as(text).isIn(EXPECTED + "\"" + redacted + "\"", EXPECTED + NOT_SHOWN,
          "REDIS_URL: the user or password of \"" + redacted + "\" has %-escapes that are not UTF-8; write each byte"
              + " of the UTF-8 form as %XX, and a literal % as %25");
      return;
    }
    assertThat(url).as(text).hasToString(redacted);
    assertThat(url.hasUserInfo()).as(text).isEqualTo(hasUserInfo);
    assertThatCode(url::toRedisUri).as(text).doesNotThrowAnyException();
  }
}
