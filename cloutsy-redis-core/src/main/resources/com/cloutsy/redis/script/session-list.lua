-- session-list.lua: the live sessions of a user, or only their number, after pruning index entries whose session
-- is gone, as one atomic step.
-- Includes: session-library.lua
-- KEYS: 1 sessions:{userId}
-- ARGV: 1 this user's session key without the jti  2 "1" for the sessions, "0" for only their number
--       3 "1" to keep the index alive exactly as long as its longest session, "0" to leave its TTL alone
-- Reply: with sessions {jti, value, TTL ms (-1: no expiry), ...}, a value that is not a string as ""; else the
--        number of live sessions.
-- Time: key TTLs only, no clock read.

local index, prefix = KEYS[1], ARGV[1]
local reply, count, longest = {}, 0, 0
for _, jti in ipairs(redis.call('SMEMBERS', index)) do
  local key = prefix .. encode(jti)
  local left = redis.call('PTTL', key)
  if left == -2 then
    redis.call('SREM', index, jti)
  else
    count = count + 1
    if left == -1 or longest == -1 then longest = -1 elseif left > longest then longest = left end
    if ARGV[2] == '1' then
      local value = redis.pcall('GET', key)
      reply[#reply + 1] = jti
      reply[#reply + 1] = type(value) == 'string' and value or ''
      reply[#reply + 1] = left
    end
  end
end
if ARGV[3] == '1' and count > 0 then
  if longest == -1 then redis.call('PERSIST', index) else redis.call('PEXPIRE', index, longest) end
end
if ARGV[2] == '1' then return reply end
return count
