package com.cloutsy.redis.health;

/** Why a keyspace walk of {@link Diagnostics} stopped, which says how far its numbers can be trusted. */
public enum ScanEnd {
  /** SCAN went round the whole keyspace: every key that existed throughout the walk was seen. */
  FINISHED,
  /** The sample limit was reached first: the numbers describe a sample, not every key. */
  SAMPLE_LIMIT,
  /** The time limit was reached first: the numbers describe a sample, not every key. */
  TIME_LIMIT
}
