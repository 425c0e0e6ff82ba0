/**
 * How values look in Redis: {@link com.cloutsy.redis.codec.Codec} turns values into stored bytes and back (JSON
 * through Jackson by default), shared by the cache and the event bus so that one codec decides for both;
 * {@link com.cloutsy.redis.codec.CodecException} reports a value it cannot write or bytes it cannot read.
 */
@NullMarked
package com.cloutsy.redis.codec;

import org.jspecify.annotations.NullMarked;
