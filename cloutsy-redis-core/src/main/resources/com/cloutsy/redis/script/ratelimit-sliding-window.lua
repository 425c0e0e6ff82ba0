-- ratelimit-sliding-window.lua: one sliding-window decision (the weighted two-window counter) as one atomic step.
-- KEYS: 1 limiter key, a string "window index:current count:previous count"; windows are aligned to multiples
--       of the window length since the epoch of Redis TIME
-- ARGV: 1 limit  2 window ms  3 permits  4 mode: 1 consume, 0 peek (decide without writing)
-- Reply: {allowed 0|1, limit, remaining, retry_after_ms, reset_after_ms}. Time: Redis TIME; the key expires when
-- the window after the current one ends, the last moment its counts can weigh on a decision.
-- Bound: TIME, one GET and at most one SET on one key.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local permits = tonumber(ARGV[3])
local index = math.floor(now / window)
local left = (index + 1) * window - now
local current, previous = 0, 0
local state = redis.call('GET', KEYS[1])
if state then
  local i, c, p = string.match(state, '^(%d+):(%d+):(%d+)$')
  i = tonumber(i)
  if i == index then
    current, previous = tonumber(c), tonumber(p)
  elseif i == index - 1 then
    previous = tonumber(c)
  end
end
-- The previous window's count is assumed spread evenly; the part of it still inside the sliding window counts.
local estimate = previous * left / window + current
if estimate + permits <= limit then
  if ARGV[4] == '1' then
    current = current + permits
    estimate = estimate + permits
    redis.call('SET', KEYS[1], string.format('%.0f:%.0f:%.0f', index, current, previous), 'PX', left + window)
  end
  local reset = 0
  if current > 0 then
    reset = left + window
  elseif previous > 0 then
    reset = left
  end
  return {1, limit, math.floor(limit - estimate), 0, reset}
end
local retry
if current + permits <= limit then
  -- Within this window, once enough of the previous window has slid out.
  retry = left - (limit - current - permits) * window / previous
else
  -- In the next window, once enough of this one has slid out.
  retry = left + window - (limit - permits) * window / current
end
local reset = left
if current > 0 then
  reset = left + window
end
return {0, limit, math.max(math.floor(limit - estimate), 0), math.max(math.ceil(retry), 1), reset}
