package com.cloutsy.redis.demo.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.cloutsy.redis.demo.ApiException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Who may call what the ops key guards, in each profile and with or without the key. */
class OpsAccessTest {

  private static final String KEY = "RWMQX7p7RshePI/Ba1We6UblvpoMaYYgk3HxbAkvbq8=";
  private static final String OTHER_KEY = "VRabwpX9sCygRQfj+kBdaf3pFxIcRNG80bd2O9etiI4=";

  private final MockHttpServletResponse response = new MockHttpServletResponse();

  @Test
  void inTheDevProfileWithoutAKeyOnlyLoopbackCallersAreLetIn() {
    OpsAccess access = new OpsAccess(null, true, HttpStatus.FORBIDDEN);

    assertThat(access.preHandle(from("127.0.0.1"), response, this)).isTrue();
    assertThat(access.preHandle(from("0:0:0:0:0:0:0:1"), response, this)).isTrue();
    assertThat(refusal(access, from("192.0.2.10")).error()).isEqualTo("ops_local_only");
    assertThat(refusal(access, from("::ffff:192.0.2.10")).error()).isEqualTo("ops_local_only");
  }

  @Test
  void outsideTheDevProfileWithoutAKeyNobodyIsLetIn() {
    OpsAccess access = new OpsAccess(null, false, HttpStatus.FORBIDDEN);

    assertThat(refusal(access, from("127.0.0.1")).error()).isEqualTo("ops_disabled");
    assertThat(refusal(access, from("127.0.0.1")).status()).isEqualTo(HttpStatus.FORBIDDEN);
  }

  @Test
  void theClosedAnswerIsTheOneTheRoutesAskFor() {
    OpsAccess publishing = new OpsAccess(null, false, HttpStatus.UNAUTHORIZED);
    OpsAccess devPublishing = new OpsAccess(null, true, HttpStatus.UNAUTHORIZED);

    assertThat(refusal(publishing, from("127.0.0.1")).status()).isEqualTo(HttpStatus.UNAUTHORIZED);
    assertThat(refusal(devPublishing, from("192.0.2.10")).status()).isEqualTo(HttpStatus.UNAUTHORIZED);
  }

  @Test
  void withAKeyOnlyRequestsThatCarryItAreLetInFromAnywhere() {
    OpsAccess access = new OpsAccess(OpsKey.fromBase64(KEY), false, HttpStatus.FORBIDDEN);
    MockHttpServletRequest withKey = from("192.0.2.10");
    withKey.addHeader(OpsAccess.HEADER, KEY);
    MockHttpServletRequest wrongKey = from("127.0.0.1");
    wrongKey.addHeader(OpsAccess.HEADER, OTHER_KEY);

    assertThat(access.preHandle(withKey, response, this)).isTrue();
    assertThat(refusal(access, wrongKey).error()).isEqualTo("ops_key_required");
    assertThat(refusal(access, wrongKey).status()).isEqualTo(HttpStatus.UNAUTHORIZED);
    assertThat(refusal(access, from("127.0.0.1")).error()).as("loopback needs the key too once one is set")
        .isEqualTo("ops_key_required");
  }

  @Test
  void theKeyIsAlsoTakenAsABearerTokenAsPrometheusSendsIt() {
    OpsAccess access = new OpsAccess(OpsKey.fromBase64(KEY), true, HttpStatus.FORBIDDEN);
    MockHttpServletRequest bearer = from("192.0.2.10");
    bearer.addHeader("Authorization", "Bearer " + KEY);
    MockHttpServletRequest wrongBearer = from("192.0.2.10");
    wrongBearer.addHeader("Authorization", "Bearer " + OTHER_KEY);
    MockHttpServletRequest basic = from("192.0.2.10");
    basic.addHeader("Authorization", "Basic " + KEY);

    assertThat(access.preHandle(bearer, response, this)).isTrue();
    assertThat(refusal(access, wrongBearer).error()).isEqualTo("ops_key_required");
    assertThat(refusal(access, basic).error()).isEqualTo("ops_key_required");
  }

  @Test
  void aRefusalNeverCarriesTheKeySent() {
    OpsAccess access = new OpsAccess(OpsKey.fromBase64(KEY), false, HttpStatus.FORBIDDEN);
    MockHttpServletRequest wrongKey = from("192.0.2.10");
    wrongKey.addHeader(OpsAccess.HEADER, OTHER_KEY);

    assertThat(refusal(access, wrongKey).body().toString()).doesNotContain(OTHER_KEY, KEY);
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

  private ApiException refusal(OpsAccess access, MockHttpServletRequest request) {
    try {
      access.preHandle(request, response, this);
    } catch (ApiException refused) {
      return refused;
    }
    return fail("%s was let in", request.getRemoteAddr());
  }
}
