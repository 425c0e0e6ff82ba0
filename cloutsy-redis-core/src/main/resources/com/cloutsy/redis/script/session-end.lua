-- session-end.lua: ends the given sessions of a user and removes their index entries, as one atomic step: how
-- SessionStore.cleanIndex evicts, a batch at a time, the oldest sessions of a user over the limit.
-- Includes: session-library.lua
-- KEYS: 1 sessions:{userId}
-- ARGV: 1 this user's session key without the jti  2... the jtis to end
-- Reply: the jtis whose session was live and is now ended.
-- Time: none.
-- Bound: one DEL per jti given and one SREM of them all; SessionStore gives at most SAMPLE (128) per call.

local index, prefix = KEYS[1], ARGV[1]
local ended = {}
for i = 2, #ARGV do
  if redis.call('DEL', prefix .. encode(ARGV[i])) == 1 then ended[#ended + 1] = ARGV[i] end
end
if #ARGV > 1 then redis.call('SREM', index, unpack(ARGV, 2)) end
return ended
