package com.cloutsy.redis.keys;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Jazzer fuzz test of {@link Keys}: any prefix and any two ids either give keys that keep every invariant or are
 * rejected with an {@link IllegalArgumentException} naming the bad argument; nothing else may happen.
 *
 * <p>A normal test run replays the seed inputs under {@code src/test/resources/com/cloutsy/redis/keys/
 * KeysFuzzTestInputs/keysKeepTheirInvariantsForAnyInput/}. To fuzz, run with the environment variable
 * {@code JAZZER_FUZZ=1}. The input is read as {@code prefix\ first\ second}: a backslash and the byte after it end the
 * prefix and the first id, a double backslash is a literal one, and the rest of the input is the second id.
 */
class KeysFuzzTest {

  @FuzzTest(maxDuration = "5m")
  void keysKeepTheirInvariantsForAnyInput(FuzzedDataProvider data) {
    String prefix = data.consumeString(2 * Keys.MAX_PREFIX_LENGTH);
    String first = data.consumeString(2 * Keys.MAX_COMPONENT_LENGTH);
    String second = data.consumeRemainingAsString();
    Supplier<String> context = () -> "prefix " + KeyInvariants.describe(prefix) + ", ids "
        + KeyInvariants.describe(first) + ", " + KeyInvariants.describe(second);

    for (String id : new String[] {first, second}) {
      if (KeyInvariants.isValidId(id)) {
        KeyInvariants.assertEncodesSafely(id, context);
      } else {
        assertThatIllegalArgumentException().as(context)
            .isThrownBy(() -> Keys.encode(id, "id"))
            .withMessageStartingWith("id must ");
      }
    }

    for (KeyLayout layout : KeyLayout.values()) {
      if (!KeyInvariants.isValidPrefix(prefix)) {
        assertThatIllegalArgumentException().as(context)
            .isThrownBy(() -> Keys.of(layout, prefix))
            .withMessageStartingWith("prefix must ");
        continue;
      }
      Keys keys = Keys.of(layout, prefix);
      for (KeyMethod method : KeyMethod.values()) {
        String[] ids = method.arity() == 1 ? new String[] {first} : new String[] {first, second};
        String invalid = firstInvalidArgument(method, ids);
        if (invalid == null) {
          KeyInvariants.assertKeyShape(method, keys, ids, context);
        } else {
          assertThatIllegalArgumentException().as(context)
              .isThrownBy(() -> method.apply(keys, ids))
              .withMessageStartingWith(invalid + " must ");
        }
      }
      if (layout == KeyLayout.CLUSTER && KeyInvariants.isValidId(first)) {
        String other = KeyInvariants.isValidId(second) ? second : "x";
        for (KeyMethod.Owner kind : KeyMethod.Owner.values()) {
          if (kind != KeyMethod.Owner.NONE) {
            KeyInvariants.assertOwnerSharesOneSlot(keys, kind, first, other, context);
          }
        }
      }
    }
  }

  private static @Nullable String firstInvalidArgument(KeyMethod method, String[] ids) {
    for (int i = 0; i < ids.length; i++) {
      if (!KeyInvariants.isValidId(ids[i])) {
        return method.argumentNames().get(i);
      }
    }
    return null;
  }
}
