package com.cloutsy.redis.cache;

import com.cloutsy.redis.script.MalformedReplyException;
import com.cloutsy.redis.script.Reply;

/**
 * What {@code hash-cache-put.lua} did to a hash.
 *
 * @param added how many of the written fields were new
 */
record HashWrite(long added) {

  /**
   * Reads the script's reply: one integer, the fields added.
   *
   * @throws MalformedReplyException if the reply does not have that shape, naming the script
   */
  static HashWrite fromReply(Reply reply) {
    if (reply.size() != 1) {
      throw new MalformedReplyException(reply.script() + " replied " + reply.size() + " values, expected 1");
    }
    return new HashWrite(reply.integer(0));
  }
}
