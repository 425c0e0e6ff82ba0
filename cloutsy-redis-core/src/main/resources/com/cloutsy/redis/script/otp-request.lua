-- otp-request.lua: cooldown and quota check, then store the code HMAC and start the cooldown, as one atomic step.
-- KEYS: 1 otp:cooldown:{phone}  2 otp:requests:{phone}  3 otp:code:{phone}[:purpose]  4 otp:attempts:{phone}[:purpose]
-- ARGV: 1 code HMAC  2 code TTL ms  3 cooldown ms  4 request quota  5 quota window ms
-- Reply: {status, ms}; status 0 issued (ms: code TTL), 1 cooldown active (ms left), 2 quota exceeded (ms until
-- the window ends). Time: key TTLs only, no clock read.
-- Bound: at most seven commands on four keys.
-- The issuing path, the common one, runs four commands (five on a window's first request): the cooldown is started
-- and the request counted first, and only a refusal undoes what it did.
if not redis.call('SET', KEYS[1], '1', 'PX', ARGV[3], 'NX') then
  local cooldown_left = redis.call('PTTL', KEYS[1])
  if cooldown_left == -1 then
    -- A cooldown without expiry (written by hand): give it one rather than block the phone for ever.
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
    cooldown_left = tonumber(ARGV[3])
  end
  return {1, cooldown_left}
end

-- The window starts with the first request and later requests never move it (the seed's EXPIRE on every
-- request pushed it forward for ever).
local requests = redis.call('INCR', KEYS[2])
if requests == 1 then
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
elseif requests > tonumber(ARGV[4]) then
  redis.call('DECR', KEYS[2])
  redis.call('DEL', KEYS[1])
  local window_left = redis.call('PTTL', KEYS[2])
  if window_left < 0 then
    redis.call('PEXPIRE', KEYS[2], ARGV[5])
    window_left = tonumber(ARGV[5])
  end
  return {2, window_left}
end
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
redis.call('DEL', KEYS[4])
return {0, tonumber(ARGV[2])}
