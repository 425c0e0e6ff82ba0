-- session-revoke.lua: ends one session and removes it from the index, pruning entries whose session is gone, as
-- one atomic step.
-- Includes: session-library.lua
-- KEYS: 1 session:{userId}:{jti}  2 sessions:{userId}
-- ARGV: 1 jti  2 this user's session key without the jti
--       3 "1" to keep the index alive exactly as long as its longest session, "0" to leave its TTL alone
-- Reply: 1 if the session existed, else 0.
-- Time: key TTLs only, no clock read.
-- Bound: one DEL and one SREM, prune's work and one PEXPIRE or PERSIST.
-- The index holds one entry per session created (only the session scripts write it), at most
-- maxSessionsPerUser when that is set.

local index, prefix = KEYS[2], ARGV[2]
local existed = redis.call('DEL', KEYS[1])
redis.call('SREM', index, ARGV[1])
local live = prune(index, prefix)
if ARGV[3] == '1' then expire_index(index, live) end
return existed
