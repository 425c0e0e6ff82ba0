-- session-end.lua: ends the given sessions of a user and removes their index entries, as one atomic step: how
-- SessionStore.cleanIndex evicts, a batch at a time, the oldest sessions of a user over the limit.
-- Includes: session-library.lua
-- KEYS: 1 sessions:{userId}
-- ARGV: 1 this user's session key without the jti  2... the jtis to end
-- Reply: the jtis whose session was live and is now ended; the error SLOT_MOVING, with nothing ended, when one of
--        them is on the other node of a slot migration.
-- Time: none.
-- Bound: one EXISTS and one DEL per jti given and one SREM of them all; SessionStore gives at most SAMPLE (128) per
-- call.

local index, prefix = KEYS[1], ARGV[1]
for i = 2, #ARGV do
  if not is_local(index, prefix .. encode(ARGV[i])) then return redis.error_reply(SLOT_MOVING) end
end
local ended = {}
for i = 2, #ARGV do
  if redis.call('DEL', prefix .. encode(ARGV[i])) == 1 then ended[#ended + 1] = ARGV[i] end
end
if #ARGV > 1 then redis.call('SREM', index, unpack(ARGV, 2)) end
return ended
