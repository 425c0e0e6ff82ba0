-- ratelimit-gcra.lua: one GCRA decision (generic cell rate algorithm, as in redis-cell) as one atomic step.
-- KEYS: 1 limiter key, a string holding the theoretical arrival time (TAT) in microseconds of Redis TIME
-- ARGV: 1 emission interval µs (window / limit, rounded up)  2 capacity (limit + burst)  3 permits
--       4 mode: 1 consume, 0 peek (decide without writing)
-- Reply: {allowed 0|1, capacity, remaining, retry_after_ms, reset_after_ms}. Time: Redis TIME; the key expires
-- when the bucket is full again, so an idle limiter leaves nothing behind.
-- Bound: TIME, one GET and at most one SET on one key.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local interval = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local permits = tonumber(ARGV[3])
local tolerance = interval * capacity
-- An absent or unreadable value is a full bucket.
local tat = tonumber(redis.call('GET', KEYS[1]))
if not tat or tat < now then
  tat = now
end
local next_tat = tat + interval * permits
if next_tat - now <= tolerance then
  if ARGV[4] == '1' then
    tat = next_tat
    -- %.0f: tostring would print a 16-digit number in exponent notation.
    redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000))
  end
  return {1, capacity, math.floor((tolerance - (tat - now)) / interval), 0, math.ceil((tat - now) / 1000)}
end
return {0, capacity, math.floor((tolerance - (tat - now)) / interval),
  math.ceil((next_tat - tolerance - now) / 1000), math.ceil((tat - now) / 1000)}
