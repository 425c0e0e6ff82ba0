/**
 * Redis key names: {@link com.cloutsy.redis.keys.Keys} builds every key this library reads or writes, and
 * {@link com.cloutsy.redis.keys.KeyLayout} chooses between the seed service's names and hash-tagged cluster names.
 * Every key pattern lives here and nowhere else. Each id is percent-encoded injectively first, so caller input can
 * never add a segment, open a hash tag or become a glob pattern, and distinct ids always give distinct keys.
 */
@NullMarked
package com.cloutsy.redis.keys;

import org.jspecify.annotations.NullMarked;
