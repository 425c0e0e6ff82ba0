-- test-counter.lua: counts a hit and reports the server's clock, for the script runner's tests.
-- KEYS: 1 counter key
-- ARGV: 1 window ms
-- Reply: {count, server time ms}. Time: Redis TIME, never the caller's clock.
local now = redis.call('TIME')
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return {count, tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)}
