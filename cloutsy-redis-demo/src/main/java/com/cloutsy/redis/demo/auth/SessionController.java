package com.cloutsy.redis.demo.auth;

import com.cloutsy.redis.demo.ApiException;
import com.cloutsy.redis.session.Session;
import com.cloutsy.redis.session.SessionStore;
import java.util.Comparator;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** A user's own sessions: list the devices, revoke one, log out here or everywhere. */
@RestController
@RequestMapping("/auth")
class SessionController {

  private final SessionStore sessions;

  SessionController(SessionStore sessions) {
    this.sessions = sessions;
  }

  /** The caller's sessions, newest first. */
  @GetMapping("/sessions")
  @RequiresSession
  List<DeviceSession> list(Caller caller) {
    return sessions.list(caller.userId()).stream()
        .sorted(Comparator.comparing(Session::createdAt).reversed())
        .map(session -> DeviceSession.of(session, caller.jti()))
        .toList();
  }

  /** 204 once the caller's session {@code jti} is revoked (its token gets 401 from now on); 404 if it has none. */
  @DeleteMapping("/sessions/{jti}")
  @RequiresSession
  ResponseEntity<Void> revoke(Caller caller, @PathVariable String jti) {
    if (!sessions.revoke(caller.userId(), jti)) {
      throw ApiException.of(HttpStatus.NOT_FOUND, "unknown_session", "You have no session with this jti.");
    }
    return ResponseEntity.noContent().build();
  }

  /** 204: the caller's own session is revoked. */
  @PostMapping("/logout")
  @RequiresSession
  ResponseEntity<Void> logout(Caller caller) {
    sessions.revoke(caller.userId(), caller.jti());
    return ResponseEntity.noContent().build();
  }

  /** 204: every session of the caller is revoked, this one included. */
  @PostMapping("/logout-all")
  @RequiresSession
  ResponseEntity<Void> logoutAll(Caller caller) {
    sessions.revokeAll(caller.userId());
    return ResponseEntity.noContent().build();
  }
}
