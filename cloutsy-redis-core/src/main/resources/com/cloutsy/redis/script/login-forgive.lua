-- login-forgive.lua: takes back the attempt a successful login was counted as, keeping the counter's expiry.
-- KEYS: 1 a failure counter
-- ARGV: none
-- Reply: the count left. Time: none.
-- Bound: one GET and at most one DECR on one key.
local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
if failures > 0 then
  return redis.call('DECR', KEYS[1])
end
return 0
