-- session-revoke.lua: ends one session and removes it from the index, pruning entries whose session is gone, as
-- one atomic step.
-- Includes: session-library.lua
-- KEYS: 1 session:{userId}:{jti}  2 sessions:{userId}
-- ARGV: 1 jti  2 this user's session key without the jti
--       3 "1" to keep the index alive exactly as long as its longest session, "0" to leave its TTL alone
-- Reply: 1 if the session existed, else 0.
-- Time: key TTLs only, no clock read.
-- Bound: one DEL, one SREM and an SCARD; then for an index of at most WHOLE_LIMIT entries, prune's work and one
-- PEXPIRE or PERSIST; for a larger one, prune_sample's work over SAMPLE entries (its TTL stays: it can only
-- outlive its sessions).

local index, prefix = KEYS[2], ARGV[2]
local existed = redis.call('DEL', KEYS[1])
redis.call('SREM', index, ARGV[1])
if is_whole(index) then
  local live = prune(index, prefix)
  if ARGV[3] == '1' then expire_index(index, live) end
else
  prune_sample(index, prefix, SAMPLE)
end
return existed
