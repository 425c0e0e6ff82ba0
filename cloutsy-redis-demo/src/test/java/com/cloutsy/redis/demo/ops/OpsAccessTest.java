package com.cloutsy.redis.demo.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.cloutsy.redis.demo.ApiException;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Who may call the ops endpoints, in each profile and with or without the key. */
class OpsAccessTest {

  private final MockHttpServletResponse response = new MockHttpServletResponse();

  @Test
  void inTheDevProfileWithoutAKeyOnlyLoopbackCallersAreLetIn() {
    OpsAccess access = new OpsAccess(null, true);

    assertThat(access.preHandle(from("127.0.0.1"), response, this)).isTrue();
    assertThat(access.preHandle(from("0:0:0:0:0:0:0:1"), response, this)).isTrue();
    assertThat(refusal(access, from("192.0.2.10"))).isEqualTo("ops_local_only");
    assertThat(refusal(access, from("::ffff:192.0.2.10"))).isEqualTo("ops_local_only");
  }

  @Test
  void outsideTheDevProfileWithoutAKeyNobodyIsLetIn() {
    OpsAccess access = new OpsAccess(null, false);

    assertThat(refusal(access, from("127.0.0.1"))).isEqualTo("ops_disabled");
    assertThat(refusal(new OpsAccess("  ", false), from("127.0.0.1"))).isEqualTo("ops_disabled");
  }

  @Test
  void withAKeyOnlyRequestsThatCarryItAreLetInFromAnywhere() {
    OpsAccess access = new OpsAccess("s3cret-ops-key", false);
    MockHttpServletRequest withKey = from("192.0.2.10");
    withKey.addHeader(OpsAccess.HEADER, "s3cret-ops-key");
    MockHttpServletRequest wrongKey = from("127.0.0.1");
    wrongKey.addHeader(OpsAccess.HEADER, "s3cret-ops-kez");

    assertThat(access.preHandle(withKey, response, this)).isTrue();
    assertThat(refusal(access, wrongKey)).isEqualTo("ops_key_required");
    assertThat(refusal(access, from("127.0.0.1"))).as("loopback needs the key too once one is set")
        .isEqualTo("ops_key_required");
  }

  @Test
  void onlyAddressLiteralsCountAsLoopbackSoNoNameIsLookedUp() {
    assertThat(OpsAccess.isLoopback("127.0.0.1")).isTrue();
    assertThat(OpsAccess.isLoopback("127.1.2.3")).isTrue();
    assertThat(OpsAccess.isLoopback("::1")).isTrue();
    assertThat(OpsAccess.isLoopback("localhost")).isFalse();
    assertThat(OpsAccess.isLoopback("10.0.0.1")).isFalse();
    assertThat(OpsAccess.isLoopback("")).isFalse();
  }

  private static MockHttpServletRequest from(String address) {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/ops/api/health");
    request.setRemoteAddr(address);
    return request;
  }

  private String refusal(OpsAccess access, MockHttpServletRequest request) {
    try {
      access.preHandle(request, response, this);
    } catch (ApiException refused) {
      return refused.error();
    }
    return fail("%s was let in", request.getRemoteAddr());
  }
}
