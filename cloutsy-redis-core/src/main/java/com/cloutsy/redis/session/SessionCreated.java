package com.cloutsy.redis.session;

import java.util.List;
import java.util.Objects;

/**
 * What {@link SessionStore#create} did: the session it stored and the sessions it ended to stay within
 * {@link SessionPolicy#maxSessionsPerUser()}.
 *
 * @param session the new session
 * @param evicted the jtis of the sessions evicted to make room, oldest first; empty without a limit or below it,
 *     one when the user was at the limit, more only if the limit was lowered since their sessions were created
 */
public record SessionCreated(Session session, List<String> evicted) {

  /**
   * Checks for nulls and copies the list.
   *
   * @throws NullPointerException if an argument or an element is null
   */
  public SessionCreated {
    Objects.requireNonNull(session, "session must not be null");
    evicted = List.copyOf(evicted);
  }
}
