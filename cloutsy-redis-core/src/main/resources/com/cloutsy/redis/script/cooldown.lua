-- cooldown.lua: starts a cooldown unless one is running ("at most once per period"), as one atomic step.
-- KEYS: 1 cooldown key, the seed's otp:cooldown:{phone}: "1" with a TTL
-- ARGV: 1 period ms  2 mode: 1 start, 0 peek (report without writing)
-- Reply: {started 0|1, 1, remaining 0|1, retry_after_ms, reset_after_ms}, the rate limiters' shape for a limit
-- of one per period. Time: the key's TTL, no clock read.
local period = tonumber(ARGV[1])
local left = redis.call('PTTL', KEYS[1])
if left == -1 then
  -- Set without expiry by another writer: a cooldown must end, so give it one period.
  redis.call('PEXPIRE', KEYS[1], period)
  left = period
end
if left > 0 then
  return {0, 1, 0, left, left}
end
if ARGV[2] == '1' then
  redis.call('SET', KEYS[1], '1', 'PX', period)
  return {1, 1, 0, 0, period}
end
return {1, 1, 1, 0, 0}
