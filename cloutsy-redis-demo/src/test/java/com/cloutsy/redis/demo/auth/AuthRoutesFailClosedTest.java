package com.cloutsy.redis.demo.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloutsy.redis.autoconfigure.web.RateLimited;
import com.cloutsy.redis.ratelimit.FailurePolicy;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The routes that guard credentials or send messages fail closed, so an outage of Redis is never a window for
 * guessing passwords or codes or pumping SMS (the starter's RouteFailurePolicyTest shows a fail-closed route answers
 * 503 during a real outage).
 */
class AuthRoutesFailClosedTest {

  @Test
  void everyAuthRouteFailsClosedRegression16() {
    Map<String, List<FailurePolicy>> policies = Stream.of(LoginController.class, OtpController.class)
        .flatMap(type -> Arrays.stream(type.getDeclaredMethods()))
        .filter(method -> method.isAnnotationPresent(RateLimited.class))
        .collect(Collectors.groupingBy(AuthRoutesFailClosedTest::route,
            Collectors.mapping(method -> failurePolicy(method.getAnnotation(RateLimited.class)), Collectors.toList())));

    assertThat(policies).containsOnlyKeys("auth-login", "auth-otp-request", "auth-otp-verify");
    assertThat(policies.get("auth-login")).as("phone and password login").hasSize(2);
    assertThat(policies.values()).allSatisfy(list -> assertThat(list).containsOnly(FailurePolicy.FAIL_CLOSED));
  }

  private static String route(Method method) {
    return method.getAnnotation(RateLimited.class).name();
  }

  private static FailurePolicy failurePolicy(RateLimited limited) {
    return limited.failurePolicy().length == 1 ? limited.failurePolicy()[0] : FailurePolicy.FAIL_OPEN;
  }
}
