-- ratelimit-fixed-window.lua: one fixed-window decision as one atomic step; the seed's INCR + EXPIRE, except that
-- the window starts at the first permit and later permits never extend it.
-- KEYS: 1 limiter key, a string holding the permits granted in the current window (the seed's counter)
-- ARGV: 1 limit  2 window ms  3 permits  4 mode: 1 consume, 0 peek (decide without writing)
-- Reply: {allowed 0|1, limit, remaining, retry_after_ms, reset_after_ms}. Time: the key's TTL, no clock read;
-- the key expires when its window ends.
-- Bound: at most five commands on one key.
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local permits = tonumber(ARGV[3])
local used = tonumber(redis.call('GET', KEYS[1])) or 0
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -1 then
  -- A counter without expiry (the seed's INCR whose EXPIRE never ran) would deny forever: give it one window.
  redis.call('PEXPIRE', KEYS[1], window)
  ttl = window
end
if used + permits <= limit then
  if ARGV[4] == '1' then
    used = redis.call('INCRBY', KEYS[1], permits)
    if ttl < 0 then
      redis.call('PEXPIRE', KEYS[1], window)
      ttl = window
    end
  end
  return {1, limit, limit - used, 0, math.max(ttl, 0)}
end
return {0, limit, math.max(limit - used, 0), ttl, ttl}
