-- session-revoke.lua: ends one session and removes it from the index, pruning entries whose session is gone, as
-- one atomic step.
-- KEYS: 1 session:{userId}:{jti}  2 sessions:{userId}
-- ARGV: 1 jti  2 this user's session key without the jti
--       3 "1" to keep the index alive exactly as long as its longest session, "0" to leave its TTL alone
-- Reply: 1 if the session existed, else 0.
-- Time: key TTLs only, no clock read.

-- Keys.encode: A-Z a-z 0-9 . _ @ + - stay, every other byte becomes %XX.
local function encode(id)
  return (string.gsub(id, '[^A-Za-z0-9%._@%+%-]', function(c) return string.format('%%%02X', string.byte(c)) end))
end

local index, prefix = KEYS[2], ARGV[2]
local existed = redis.call('DEL', KEYS[1])
redis.call('SREM', index, ARGV[1])
local count, longest = 0, 0
for _, jti in ipairs(redis.call('SMEMBERS', index)) do
  local left = redis.call('PTTL', prefix .. encode(jti))
  if left == -2 then
    redis.call('SREM', index, jti)
  else
    count = count + 1
    if left == -1 or longest == -1 then longest = -1 elseif left > longest then longest = left end
  end
end
if ARGV[3] == '1' and count > 0 then
  if longest == -1 then redis.call('PERSIST', index) else redis.call('PEXPIRE', index, longest) end
end
return existed
