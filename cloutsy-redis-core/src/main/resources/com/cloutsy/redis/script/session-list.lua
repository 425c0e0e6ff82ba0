-- session-list.lua: the live sessions of a user, or only their number, after pruning index entries whose session
-- is gone, as one atomic step; for an index too large to handle whole, nothing (SessionStore then walks it with
-- session-sweep.lua).
-- Includes: session-library.lua
-- KEYS: 1 sessions:{userId}
-- ARGV: 1 this user's session key without the jti  2 "1" for the sessions, "0" for only their number
--       3 "1" to keep the index alive exactly as long as its longest session, "0" to leave its TTL alone
-- Reply: {0} when the index has more than WHOLE_LIMIT entries (nothing done); else with sessions
--        {1, jti, value, TTL ms (-1: no expiry), ...}, a value that is not a string as "", or {1, the number of
--        live sessions}; the error SLOT_MOVING, with nothing written, when a session is on the other node of a slot
--        migration.
-- Time: key TTLs only, no clock read.
-- Bound: SCARD; for an index of at most WHOLE_LIMIT entries, prune's work and, with the sessions, one GET per live
-- session; one PEXPIRE or PERSIST.

local index, prefix = KEYS[1], ARGV[1]
if not is_whole(index) then return {0} end
local live = prune(index, prefix)
if not live then return redis.error_reply(SLOT_MOVING) end
if ARGV[3] == '1' then expire_index(index, live) end
if ARGV[2] ~= '1' then return {1, #live} end
local reply = {1}
for _, session in ipairs(live) do
  local value = redis.pcall('GET', prefix .. encode(session.jti))
  reply[#reply + 1] = session.jti
  reply[#reply + 1] = type(value) == 'string' and value or ''
  reply[#reply + 1] = session.left
end
return reply
