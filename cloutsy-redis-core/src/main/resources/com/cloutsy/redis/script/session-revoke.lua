-- session-revoke.lua: ends one session and removes it from the index, pruning entries whose session is gone, as
-- one atomic step.
-- Includes: session-library.lua
-- KEYS: 1 session:{userId}:{jti}  2 sessions:{userId}
-- ARGV: 1 jti  2 this user's session key without the jti
--       3 "1" to keep the index alive exactly as long as its longest session, "0" to leave its TTL alone
-- Reply: 1 if the session existed, else 0; the error SLOT_MOVING, with nothing written, when another session of the
--        user is on the other node of a slot migration.
-- Time: key TTLs only, no clock read.
-- Bound: an SCARD, one DEL and one SREM; for an index of at most WHOLE_LIMIT entries, prune's work (before the DEL,
-- which is what lets a migration stop the script before it writes) and one PEXPIRE or PERSIST; for a larger one,
-- prune_sample's work over SAMPLE entries (its TTL stays: it can only outlive its sessions).

local index, prefix, jti = KEYS[2], ARGV[2], ARGV[1]
local others
if is_whole(index) then
  local live = prune(index, prefix)
  if not live then return redis.error_reply(SLOT_MOVING) end
  others = {}
  for _, session in ipairs(live) do
    if session.jti ~= jti then others[#others + 1] = session end
  end
end
local existed = redis.call('DEL', KEYS[1])
redis.call('SREM', index, jti)
if not others then
  prune_sample(index, prefix, SAMPLE)
elseif ARGV[3] == '1' then
  expire_index(index, others)
end
return existed
