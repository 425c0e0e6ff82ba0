package com.cloutsy.redis.autoconfigure.web;

import com.cloutsy.redis.autoconfigure.RateLimitKey;
import com.cloutsy.redis.session.Device;
import com.cloutsy.redis.session.Session;
import com.cloutsy.redis.session.SessionStore;
import com.cloutsy.redis.session.UserType;
import java.security.Principal;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The README's controller, compiled and run by {@link RateLimitedRouteTest}. */
@RestController
class SessionController {

  private final SessionStore sessions;

  SessionController(SessionStore sessions) {
    this.sessions = sessions;
  }

  @PostMapping("/login")
  @RateLimited(limit = 5, window = "1m", key = RateLimitKey.IP)
  String login(@RequestParam String userId, @RequestHeader("User-Agent") String userAgent) {
    // ... check the password first
    return sessions.create(userId, Device.of("web", userAgent, UserType.INFLUENCER)).session().jti();
  }

  @GetMapping("/me/devices")
  @RateLimited(limit = 100, window = "1m")
  List<Session> devices(Principal user) {
    return sessions.list(user.getName());
  }
}
