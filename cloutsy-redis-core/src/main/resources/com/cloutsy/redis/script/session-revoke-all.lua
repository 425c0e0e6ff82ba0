-- session-revoke-all.lua: ends every session of a user, or every one but the given jti, as one atomic step; for an
-- index too large to handle whole, only makes sure the kept session is indexed (SessionStore then ends the others
-- with session-sweep.lua).
-- Includes: session-library.lua
-- KEYS: 1 sessions:{userId}
-- ARGV: 1 this user's session key without the jti  2 the jti to keep, or "" to end all
--       3 "1" to keep the index alive exactly as long as the kept session, "0" to leave its TTL alone
-- Reply: {1, the number of sessions ended} (entries whose session was already gone are dropped, not counted), or
--        {0} when the index has more than WHOLE_LIMIT entries (nothing ended); the error SLOT_MOVING, with nothing
--        ended, when a session is on the other node of a slot migration.
-- Time: key TTLs only, no clock read.
-- Bound: SCARD, at most one PTTL (and EXISTS) and SADD of the kept session; for an index of at most WHOLE_LIMIT
-- entries, one SMEMBERS, one EXISTS and one DEL per entry, one DEL of the index and at most one PEXPIRE.

local index, prefix, keep = KEYS[1], ARGV[1], ARGV[2]
-- The kept session stays indexed, even if its entry had been lost: -2 when there is none to keep.
local kept_left = -2
if keep ~= '' then
  kept_left = session_pttl(index, prefix .. encode(keep))
  if not kept_left then return redis.error_reply(SLOT_MOVING) end
end
if not is_whole(index) then
  if kept_left ~= -2 then redis.call('SADD', index, keep) end
  return {0}
end
local ending = {}
for _, jti in ipairs(redis.call('SMEMBERS', index)) do
  if jti ~= keep then
    local key = prefix .. encode(jti)
    if not is_local(index, key) then return redis.error_reply(SLOT_MOVING) end
    ending[#ending + 1] = key
  end
end
local ended = 0
for _, key in ipairs(ending) do
  ended = ended + redis.call('DEL', key)
end
redis.call('DEL', index)
if kept_left ~= -2 then
  redis.call('SADD', index, keep)
  if ARGV[3] == '1' and kept_left > 0 then expire_index(index, {{jti = keep, left = kept_left}}) end
end
return {1, ended}
