-- session-touch.lua: records activity on a session and slides its expiry by the idle timeout, never past its
-- absolute lifetime, then prunes a sample of the index, as one atomic step. Only lastSeenAt, expiresAt and
-- absoluteExpiresAt change: every other byte of the stored JSON (fields another service wrote, number spellings,
-- order, spacing) stays as it was.
-- Includes: session-library.lua
-- KEYS: 1 session:{userId}:{jti}  2 sessions:{userId}
-- ARGV: 1 jti  2 idle timeout ms  3 absolute lifetime ms, for a session that does not record its own cap
--       (written by the seed's code): the cap becomes createdAt plus this, and is recorded
--       4 "1" to keep the index alive at least as long as this session, "0" to leave its TTL alone
--       5 this user's session key without the jti
-- Reply: {0} no such session; {1, new value, TTL ms} touched; {2} the value is not a JSON object with a
--        readable createdAt (nothing changed); {3} the absolute lifetime had passed, so the session was ended.
-- Time: Redis TIME for lastSeenAt and the expiries.
-- Bound: GET, a JSON decode and one scan of the value, TIME, SET, EXISTS and SADD; prune_sample's work over TOUCH_SAMPLE
-- entries; one PTTL and at most one PEXPIRE of the index. Nothing in it grows with the number of sessions: touch
-- runs on every authenticated request.

-- Index entries each touch samples: enough that the entries of sessions that expired leave the index of a user who
-- only ever touches, few enough to cost little on every request.
local TOUCH_SAMPLE = 4

-- The bytes of JSON's structure the scanner stops at, as string.byte returns them: comparing numbers spares
-- making a one-character string of every byte scanned.
local QUOTE, COMMA = string.byte('"'), string.byte(',')
local OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY = string.byte('{'), string.byte('}'), string.byte('[')

-- The index of the quote that closes the JSON string opening at i.
local function string_end(s, i)
  local j = i + 1
  while true do
    local k = string.find(s, '["\\]', j)
    if string.byte(s, k) == QUOTE then return k end
    j = k + 2
  end
end

-- The index of the last character of the JSON value starting at i.
local function value_end(s, i)
  local c = string.byte(s, i)
  if c == QUOTE then return string_end(s, i) end
  if c == OPEN_OBJECT or c == OPEN_ARRAY then
    local depth, j = 0, i
    while true do
      local k = string.find(s, '[][{}"]', j)
      local b = string.byte(s, k)
      if b == QUOTE then
        j = string_end(s, k) + 1
      else
        depth = depth + ((b == OPEN_OBJECT or b == OPEN_ARRAY) and 1 or -1)
        if depth == 0 then return k end
        j = k + 1
      end
    end
  end
  return string.find(s, '[,}%s]', i) - 1
end

-- The JSON object text s with the top-level members named in `order` set to the JSON texts in `values`:
-- replaced where present, appended after the last member where not. Requires s to be valid JSON (cjson has
-- checked it).
local function set_members(s, values, order)
  local parts, copied, seen = {}, 1, {}
  local tail = string.find(s, '{', 1, true) + 1
  local separator = ''
  local i = string.find(s, '%S', tail)
  while string.byte(s, i) ~= CLOSE_OBJECT do
    local name_end = string_end(s, i)
    local name = string.sub(s, i + 1, name_end - 1)
    local value_start = string.find(s, '%S', string.find(s, ':', name_end + 1, true) + 1)
    local last = value_end(s, value_start)
    if values[name] then
      parts[#parts + 1] = string.sub(s, copied, value_start - 1) .. values[name]
      copied = last + 1
      seen[name] = true
    end
    tail, separator = last + 1, ','
    i = string.find(s, '%S', tail)
    if string.byte(s, i) == COMMA then i = string.find(s, '%S', i + 1) end
  end
  parts[#parts + 1] = string.sub(s, copied, tail - 1)
  for _, name in ipairs(order) do
    if not seen[name] then
      parts[#parts + 1] = separator .. '"' .. name .. '":' .. values[name]
      separator = ','
    end
  end
  parts[#parts + 1] = string.sub(s, tail)
  return table.concat(parts)
end

local value = redis.pcall('GET', KEYS[1])
if value and (type(value) ~= 'string' or not string.find(value, '^%s*{')) then return {2} end
local fields
if value then
  local ok, decoded = pcall(cjson.decode, value)
  if not ok or type(decoded) ~= 'table' then return {2} end
  fields = decoded
end

local reply = {0}
if fields then
  local now = now_ms()
  local values = {}
  local order = {'lastSeenAt', 'expiresAt'}
  local cap = parse_iso(fields.absoluteExpiresAt)
  if not cap then
    local created = parse_iso(fields.createdAt)
    if not created then return {2} end
    cap = created + tonumber(ARGV[3])
    values.absoluteExpiresAt = '"' .. iso(cap) .. '"'
    order[3] = 'absoluteExpiresAt'
  end
  if cap <= now then
    redis.call('DEL', KEYS[1])
    redis.call('SREM', KEYS[2], ARGV[1])
    reply = {3}
  else
    local ttl = math.min(tonumber(ARGV[2]), cap - now)
    values.lastSeenAt = '"' .. iso(now) .. '"'
    values.expiresAt = '"' .. iso(now + ttl) .. '"'
    local touched = set_members(value, values, order)
    redis.call('SET', KEYS[1], touched, 'PX', ttl)
    -- Re-registers the session should its index entry have been lost.
    local fresh = redis.call('EXISTS', KEYS[2]) == 0
    redis.call('SADD', KEYS[2], ARGV[1])
    reply = {1, touched, ttl}
    if ARGV[4] == '1' then
      if fresh then redis.call('PEXPIRE', KEYS[2], ttl) else extend_index(KEYS[2], ttl) end
    end
  end
else
  redis.call('SREM', KEYS[2], ARGV[1])
end
prune_sample(KEYS[2], ARGV[5], TOUCH_SAMPLE)
return reply
