-- session-revoke-all.lua: ends every session of a user, or every one but the given jti, as one atomic step.
-- Includes: session-library.lua
-- KEYS: 1 sessions:{userId}
-- ARGV: 1 this user's session key without the jti  2 the jti to keep, or "" to end all
--       3 "1" to keep the index alive exactly as long as the kept session, "0" to leave its TTL alone
-- Reply: the number of sessions ended (entries whose session was already gone are dropped, not counted).
-- Time: key TTLs only, no clock read.
-- Bound: one SMEMBERS and one DEL per entry of this one user's index, one DEL of the index, then at most one
-- PTTL, SADD and PEXPIRE. The index holds one entry per session created (only the session scripts write it),
-- at most maxSessionsPerUser when that is set.

local index, prefix, keep = KEYS[1], ARGV[1], ARGV[2]
local ended = 0
for _, jti in ipairs(redis.call('SMEMBERS', index)) do
  if jti ~= keep then
    ended = ended + redis.call('DEL', prefix .. encode(jti))
  end
end
redis.call('DEL', index)
if keep ~= '' then
  -- The kept session stays indexed, even if its entry had been lost.
  local left = redis.call('PTTL', prefix .. encode(keep))
  if left ~= -2 then
    redis.call('SADD', index, keep)
    if ARGV[3] == '1' and left > 0 then expire_index(index, {{jti = keep, left = left}}) end
  end
end
return ended
