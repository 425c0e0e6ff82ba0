/**
 * Lua scripts, one {@code .lua} resource per flow in this package's resource folder: {@link
 * com.cloutsy.redis.script.LuaScript} loads a script and its SHA-1 once, {@link
 * com.cloutsy.redis.script.ScriptRunner} runs it with EVALSHA and falls back to EVAL when the server's script cache
 * was emptied (restart, failover, SCRIPT FLUSH). Every flow that reads and then writes is one script: one round
 * trip, atomic across application instances, with time read from Redis {@code TIME}.
 */
@NullMarked
package com.cloutsy.redis.script;

import org.jspecify.annotations.NullMarked;
