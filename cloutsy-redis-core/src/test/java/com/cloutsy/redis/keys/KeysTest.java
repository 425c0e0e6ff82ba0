package com.cloutsy.redis.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeysTest {

  @Test
  void seedLayoutNamesEveryKeyExactlyLikeTheSeedService() {
    Keys keys = Keys.seed();

    assertThat(List.of(
        keys.session("42", "abc"),
        keys.sessionIndex("42"),
        keys.otpCooldown("+15551234567"),
        keys.otpRequests("+15551234567"),
        keys.otpAttempts("+15551234567"),
        keys.otpVerified("+15551234567"),
        keys.otpCode("+15551234567"),
        keys.loginAttempts("alice@example.com"),
        keys.apiLimit("42", "feed.read"),
        keys.cache("users", "42"),
        keys.userPrefs("42"),
        keys.config("mail")))
        .containsExactly(
            "session:42:abc",
            "sessions:42",
            "otp:cooldown:+15551234567",
            "otp:requests:+15551234567",
            "otp:attempts:+15551234567",
            "otp:verified:+15551234567",
            "otp:code:+15551234567",
            "login:attempts:alice@example.com",
            "api:limit:42:feed.read",
            "cache:users:42",
            "user:42:prefs",
            "config:mail");
  }

  @Test
  void clusterLayoutTagsTheOwningIdAndLeavesCacheAndConfigUntagged() {
    Keys keys = Keys.cluster();

    assertThat(List.of(
        keys.session("42", "abc"),
        keys.sessionIndex("42"),
        keys.otpCooldown("+15551234567"),
        keys.otpRequests("+15551234567"),
        keys.otpAttempts("+15551234567"),
        keys.otpVerified("+15551234567"),
        keys.otpCode("+15551234567"),
        keys.loginAttempts("alice"),
        keys.apiLimit("42", "endpoint"),
        keys.cache("users", "42"),
        keys.userPrefs("42"),
        keys.config("mail")))
        .containsExactly(
            "session:{42}:abc",
            "sessions:{42}",
            "otp:cooldown:{+15551234567}",
            "otp:requests:{+15551234567}",
            "otp:attempts:{+15551234567}",
            "otp:verified:{+15551234567}",
            "otp:code:{+15551234567}",
            "login:attempts:{alice}",
            "api:limit:{42}:endpoint",
            "cache:users:42",
            "user:{42}:prefs",
            "config:mail");
  }

  @Test
  void prependsThePrefixVerbatimInBothLayouts() {
    Keys seed = Keys.of(KeyLayout.SEED, "app1:");
    Keys cluster = Keys.of(KeyLayout.CLUSTER, "app1:");

    assertThat(List.of(seed.session("42", "abc"), seed.sessionIndex("42"), seed.otpCode("+15551234567"),
        seed.loginAttempts("alice"), seed.apiLimit("42", "feed"), seed.cache("users", "42"), seed.userPrefs("42"),
        seed.config("mail")))
        .containsExactly("app1:session:42:abc", "app1:sessions:42", "app1:otp:code:+15551234567",
            "app1:login:attempts:alice", "app1:api:limit:42:feed", "app1:cache:users:42", "app1:user:42:prefs",
            "app1:config:mail");
    assertThat(List.of(cluster.session("42", "abc"), cluster.sessionIndex("42"), cluster.otpCode("+15551234567"),
        cluster.loginAttempts("alice"), cluster.apiLimit("42", "feed"), cluster.cache("users", "42"),
        cluster.userPrefs("42"), cluster.config("mail")))
        .containsExactly("app1:session:{42}:abc", "app1:sessions:{42}", "app1:otp:code:{+15551234567}",
            "app1:login:attempts:{alice}", "app1:api:limit:{42}:feed", "app1:cache:users:42",
            "app1:user:{42}:prefs", "app1:config:mail");
    assertThat(Keys.of(KeyLayout.SEED, "tenant-7.prod_").session("42", "abc"))
        .isEqualTo("tenant-7.prod_session:42:abc");
  }

  @ParameterizedTest
  @EnumSource(KeyMethod.class)
  void seedKeysOfSafeIdsAreByteIdenticalToTheSeedPatterns(KeyMethod method) {
    String[] safeIds = {"user-42.A_z@example.com", "+15551234567"};
    String[] ids = Arrays.copyOf(safeIds, method.arity());
    String expected = method.seedPattern();
    for (int i = 0; i < ids.length; i++) {
      expected = expected.replace("{" + method.argumentNames().get(i) + "}", ids[i]);
    }

    assertThat(method.apply(Keys.seed(), ids)).isEqualTo(expected);
    assertThat(method.apply(Keys.of(KeyLayout.SEED, "p:"), ids)).isEqualTo("p:" + expected);
  }

  @ParameterizedTest
  @EnumSource(KeyMethod.class)
  void everyKeyIsAsciiAndNoIdCanAddASegmentOrAHashTag(KeyMethod method) {
    String[] hostile = {"4{2}:x", "*:?[a]"};
    String[] ids = Arrays.copyOf(hostile, method.arity());

    assertThat(method.apply(Keys.seed(), ids)).isEqualTo(
        method.expected(KeyLayout.SEED, "", Arrays.copyOf(new String[] {"4%7B2%7D%3Ax", "%2A%3A%3F%5Ba%5D"},
            method.arity())));
    assertThat(method.apply(Keys.cluster(), ids)).isEqualTo(
        method.expected(KeyLayout.CLUSTER, "", Arrays.copyOf(new String[] {"4%7B2%7D%3Ax", "%2A%3A%3F%5Ba%5D"},
            method.arity())));
  }

  @Test
  void keysOfIdsThatDifferOnlyInWhereAColonIsNeverCollide() {
    Keys keys = Keys.seed();

    assertThat(keys.session("42:x", "y")).isEqualTo("session:42%3Ax:y");
    assertThat(keys.session("42", "x:y")).isEqualTo("session:42:x%3Ay");
    assertThat(keys.cache("a:b", "c")).isNotEqualTo(keys.cache("a", "b:c"));
  }

  static Stream<Arguments> encodings() {
    return Stream.of(
        Arguments.of("a:b", "a%3Ab"),
        Arguments.of("%", "%25"),
        Arguments.of("%25", "%2525"),
        Arguments.of("a b", "a%20b"),
        Arguments.of("{42}", "%7B42%7D"),
        Arguments.of("*?[]", "%2A%3F%5B%5D"),
        Arguments.of("/api/v1", "%2Fapi%2Fv1"),
        Arguments.of("\u0000\t\n", "%00%09%0A"),
        Arguments.of("\u007F", "%7F"),
        Arguments.of("\u00E9", "%C3%A9"),
        Arguments.of("e\u0301", "e%CC%81"),
        Arguments.of("\u07FF", "%DF%BF"),
        Arguments.of("\u0800", "%E0%A0%80"),
        Arguments.of("\u05E9\u05DC\u05D5\u05DD", "%D7%A9%D7%9C%D7%95%D7%9D"),
        Arguments.of("\uFFFF", "%EF%BF%BF"),
        Arguments.of("\uD83D\uDE00", "%F0%9F%98%80"),
        Arguments.of("\uDBFF\uDFFF", "%F4%8F%BF%BF"),
        Arguments.of("ok-\uD83D\uDE00.", "ok-%F0%9F%98%80."));
  }

  @ParameterizedTest
  @MethodSource("encodings")
  void escapesEveryOtherUtf8ByteAsUppercasePercentHex(String id, String encoded) {
    assertThat(Keys.encode(id, "id")).isEqualTo(encoded);
  }

  @ParameterizedTest
  @ValueSource(strings = {"42", "0", "abc-DEF_1.2", "+15551234567", "alice@example.com", "-", "."})
  void returnsASafeIdItselfWithoutCopying(String id) {
    assertThat(Keys.encode(id, "id")).isSameAs(id);
  }

  @Test
  void acceptsIdsUpToTheLimitAndRejectsLongerOnes() {
    String longest = "a".repeat(Keys.MAX_COMPONENT_LENGTH);

    assertThat(Keys.seed().sessionIndex(longest)).isEqualTo("sessions:" + longest);
    assertThat(Keys.encode("\uD83D\uDE00".repeat(Keys.MAX_COMPONENT_LENGTH / 2), "id"))
        .isEqualTo("%F0%9F%98%80".repeat(Keys.MAX_COMPONENT_LENGTH / 2));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Keys.seed().sessionIndex(longest + "a"))
        .withMessage("userId must be at most 256 characters, was 257");
  }

  static Stream<Arguments> argumentsOfEveryMethod() {
    return Arrays.stream(KeyMethod.values())
        .flatMap(method -> IntStream.range(0, method.arity()).mapToObj(index -> Arguments.of(method, index)));
  }

  @ParameterizedTest(name = "{0} argument {1}")
  @MethodSource("argumentsOfEveryMethod")
  void rejectsANullIdNamingIt(KeyMethod method, int index) {
    String[] ids = validIdsWith(method, index, null);

    assertThatNullPointerException()
        .isThrownBy(() -> method.apply(Keys.seed(), ids))
        .withMessage(method.argumentNames().get(index) + " must not be null");
  }

  @ParameterizedTest(name = "{0} argument {1}")
  @MethodSource("argumentsOfEveryMethod")
  void rejectsAnEmptyIdNamingIt(KeyMethod method, int index) {
    String[] ids = validIdsWith(method, index, "");

    assertThatIllegalArgumentException()
        .isThrownBy(() -> method.apply(Keys.cluster(), ids))
        .withMessage(method.argumentNames().get(index) + " must not be empty");
  }

  @ParameterizedTest(name = "{0} argument {1}")
  @MethodSource("argumentsOfEveryMethod")
  void rejectsATooLongIdNamingItAndTheLimit(KeyMethod method, int index) {
    String[] ids = validIdsWith(method, index, "\u00E9".repeat(300));

    assertThatIllegalArgumentException()
        .isThrownBy(() -> method.apply(Keys.seed(), ids))
        .withMessage(method.argumentNames().get(index) + " must be at most 256 characters, was 300");
  }

  @ParameterizedTest(name = "{0} argument {1}")
  @MethodSource("argumentsOfEveryMethod")
  void rejectsAnUnpairedSurrogateNamingTheIdAndWhere(KeyMethod method, int index) {
    String name = method.argumentNames().get(index);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> method.apply(Keys.seed(), validIdsWith(method, index, "ab\uD83D")))
        .withMessage(name + " must be valid Unicode, found an unpaired surrogate at index 2");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> method.apply(Keys.cluster(), validIdsWith(method, index, "\uDE00ab")))
        .withMessage(name + " must be valid Unicode, found an unpaired surrogate at index 0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> method.apply(Keys.seed(), validIdsWith(method, index, "a\uD83Db\uDE00")))
        .withMessage(name + " must be valid Unicode, found an unpaired surrogate at index 1");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> method.apply(Keys.seed(), validIdsWith(method, index, "\uD83D\uDE00\uDE00")))
        .withMessage(name + " must be valid Unicode, found an unpaired surrogate at index 2");
  }

  @Test
  void encodeNamesTheComponentItIsGiven() {
    assertThatNullPointerException().isThrownBy(() -> Keys.encode(null, "tenantId"))
        .withMessage("tenantId must not be null");
    assertThatIllegalArgumentException().isThrownBy(() -> Keys.encode("", "tenantId"))
        .withMessage("tenantId must not be empty");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "app1:", "a", "tenant-7.prod_x:", "ABCxyz019._:-"})
  void acceptsAPrefixOfSafeCharacters(String prefix) {
    Keys keys = Keys.of(KeyLayout.CLUSTER, prefix);

    assertThat(keys.prefix()).isEqualTo(prefix);
    assertThat(keys.layout()).isEqualTo(KeyLayout.CLUSTER);
    assertThat(keys.sessionIndex("42")).isEqualTo(prefix + "sessions:{42}");
  }

  @Test
  void acceptsAPrefixUpToTheLimit() {
    String longest = "p".repeat(Keys.MAX_PREFIX_LENGTH);

    assertThat(Keys.of(KeyLayout.SEED, longest).config("mail")).isEqualTo(longest + "config:mail");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{app}", "app{", "app}", "app 1:", "app*", "app?", "a[1]", "a@b", "a+b", "a%b", "a/b",
      "caf\u00E9:", "tab\t", "nul\u0000", "\uD83D\uDE00"})
  void rejectsAPrefixWithOtherCharactersStatingTheRule(String prefix) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Keys.of(KeyLayout.SEED, prefix))
        .withMessage("prefix must be at most 64 characters from A-Z a-z 0-9 . _ : -, was \"" + prefix + "\"");
  }

  @Test
  void rejectsATooLongPrefixStatingTheRule() {
    String prefix = "p".repeat(Keys.MAX_PREFIX_LENGTH + 1);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> Keys.of(KeyLayout.CLUSTER, prefix))
        .withMessageStartingWith("prefix must be at most 64 characters from A-Z a-z 0-9 . _ : -, was \"ppp");
  }

  @Test
  void rejectsANullLayoutOrPrefixNamingIt() {
    assertThatNullPointerException().isThrownBy(() -> Keys.of(null, "")).withMessage("layout must not be null");
    assertThatNullPointerException().isThrownBy(() -> Keys.of(KeyLayout.SEED, null))
        .withMessage("prefix must not be null");
  }

  @Test
  void factoriesGiveValuesEqualByLayoutAndPrefix() {
    assertThat(Keys.seed()).isEqualTo(Keys.of(KeyLayout.SEED, "")).hasSameHashCodeAs(Keys.of(KeyLayout.SEED, ""));
    assertThat(Keys.cluster()).isEqualTo(Keys.of(KeyLayout.CLUSTER, ""));
    assertThat(Keys.of(KeyLayout.SEED, "a:")).isEqualTo(Keys.of(KeyLayout.SEED, "a:"))
        .hasSameHashCodeAs(Keys.of(KeyLayout.SEED, "a:"))
        .isNotEqualTo(Keys.of(KeyLayout.CLUSTER, "a:"))
        .isNotEqualTo(Keys.of(KeyLayout.SEED, "b:"));
    assertThat(Keys.seed().layout()).isEqualTo(KeyLayout.SEED);
    assertThat(Keys.seed().prefix()).isEmpty();
    assertThat(Keys.cluster().layout()).isEqualTo(KeyLayout.CLUSTER);
    assertThat(Keys.of(KeyLayout.CLUSTER, "app1:")).hasToString("Keys[layout=CLUSTER, prefix=\"app1:\"]");
  }

  private static String[] validIdsWith(KeyMethod method, int index, String id) {
    String[] ids = new String[method.arity()];
    Arrays.fill(ids, "ok");
    ids[index] = id;
    return ids;
  }
}
