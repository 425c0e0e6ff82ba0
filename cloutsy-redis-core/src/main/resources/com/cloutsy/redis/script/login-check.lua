-- login-check.lua: checks the lockouts of failure counters that share a slot and, unless one is locked, counts
-- this attempt in each of them, as one atomic step. A counter that reaches its limit locks for the lockout time.
-- KEYS: per counter i: 2i-1 the failure counter, 2i its lockout level (how many lockouts in a row)
-- ARGV: 1 count (1) or only report (0); then per counter i, from 2 + 5(i-1): limit, window ms, lockout ms,
--       lockout cap ms (equal to the lockout: not progressive), level memory ms
-- Reply: {0, attempts left, counter that started a lockout or 0} when allowed; {1, locked counter, ms left} when
-- locked. Time: key TTLs only, no clock read.
-- Bound: per counter in KEYS (LoginGuard passes at most three) at most nine commands on its two keys.
local counting = ARGV[1] == '1'
local counters = #KEYS / 2

local function setting(i, n)
  return tonumber(ARGV[1 + 5 * (i - 1) + n])
end

local locked, locked_for = 0, 0
local left = nil
for i = 1, counters do
  local key = KEYS[2 * i - 1]
  local failures = tonumber(redis.call('GET', key) or '0')
  if failures >= setting(i, 1) then
    local ms = redis.call('PTTL', key)
    if ms == -1 then
      -- A counter without expiry (the seed's INCR before its EXPIRE): give it the lockout, never lock for ever.
      redis.call('PEXPIRE', key, setting(i, 3))
      ms = setting(i, 3)
    end
    if ms > locked_for then
      locked, locked_for = i, ms
    end
  elseif left == nil or setting(i, 1) - failures < left then
    left = setting(i, 1) - failures
  end
end
if locked > 0 then
  return {1, locked, locked_for}
end
if not counting then
  return {0, left, 0}
end

local started = 0
left = nil
for i = 1, counters do
  local key, limit = KEYS[2 * i - 1], setting(i, 1)
  local failures = redis.call('INCR', key)
  if failures == 1 or redis.call('PTTL', key) == -1 then
    redis.call('PEXPIRE', key, setting(i, 2))
  end
  if failures == limit then
    local lockout, cap = setting(i, 3), setting(i, 4)
    if cap > lockout then
      local level = redis.call('INCR', KEYS[2 * i])
      redis.call('PEXPIRE', KEYS[2 * i], setting(i, 5))
      lockout = math.min(lockout * 2 ^ (level - 1), cap)
    end
    redis.call('PEXPIRE', key, lockout)
    started = i
  end
  if left == nil or limit - failures < left then
    left = limit - failures
  end
end
return {0, left, started}
