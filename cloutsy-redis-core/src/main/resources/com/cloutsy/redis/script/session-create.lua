-- session-create.lua: stores a new session and its index entry, pruning dead entries and evicting the oldest
-- sessions over the limit, as one atomic step.
-- KEYS: 1 session:{userId}:{jti}  2 sessions:{userId}
-- ARGV: 1 jti  2 the value without its times: a compact JSON object  3 TTL ms  4 absolute lifetime ms
--       5 max sessions per user, 0 for no limit  6 this user's session key without the jti
--       7 "1" to keep the index alive exactly as long as its longest session, "0" to leave its TTL alone
-- Reply: {0} when the jti already names a live session (nothing written);
--        {1, now ms, evicted jti...} when stored, evicted oldest first.
-- Time: Redis TIME for createdAt, lastSeenAt, expiresAt and absoluteExpiresAt (ISO-8601, UTC, milliseconds).
local floor = math.floor

-- Keys.encode: A-Z a-z 0-9 . _ @ + - stay, every other byte becomes %XX.
local function encode(id)
  return (string.gsub(id, '[^A-Za-z0-9%._@%+%-]', function(c) return string.format('%%%02X', string.byte(c)) end))
end

local function iso(ms)
  local days = floor(ms / 86400000)
  local rem = ms - days * 86400000
  local z = days + 719468
  local era = floor(z / 146097)
  local doe = z - era * 146097
  local yoe = floor((doe - floor(doe / 1460) + floor(doe / 36524) - floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100))
  local mp = floor((5 * doy + 2) / 153)
  local d = doy - floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400 + (m <= 2 and 1 or 0)
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', y, m, d,
    floor(rem / 3600000), floor(rem / 60000) % 60, floor(rem / 1000) % 60, rem % 1000)
end

-- Milliseconds since the epoch of an ISO-8601 date-time with Z or a numeric offset, or nil.
local function parse_iso(s)
  if type(s) ~= 'string' then return nil end
  local y, mo, d, h, mi, sec, rest = string.match(s, '^(%d%d%d%d)%-(%d%d)%-(%d%d)T(%d%d):(%d%d):(%d%d)(.*)$')
  if not y then return nil end
  y, mo, d, h, mi, sec = tonumber(y), tonumber(mo), tonumber(d), tonumber(h), tonumber(mi), tonumber(sec)
  if mo < 1 or mo > 12 or d < 1 or d > 31 or h > 23 or mi > 59 or sec > 59 then return nil end
  local ms = 0
  local fraction = string.match(rest, '^%.(%d+)')
  if fraction then
    ms = tonumber(string.sub(fraction .. '00', 1, 3))
    rest = string.sub(rest, #fraction + 2)
  end
  local offset = 0
  if rest ~= 'Z' then
    local sign, oh, om = string.match(rest, '^([+-])(%d%d):?(%d%d)$')
    if not sign then return nil end
    offset = (tonumber(oh) * 60 + tonumber(om)) * 60000 * (sign == '-' and -1 or 1)
  end
  local yy = mo <= 2 and y - 1 or y
  local era = floor(yy / 400)
  local yoe = yy - era * 400
  local doy = floor((153 * ((mo + 9) % 12) + 2) / 5) + d - 1
  local days = era * 146097 + yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + doy - 719468
  return days * 86400000 + ((h * 60 + mi) * 60 + sec) * 1000 + ms - offset
end

-- When a stored session began; a value nobody can read counts as the oldest of all.
local function created_ms(key)
  local value = redis.pcall('GET', key)
  if type(value) ~= 'string' then return -math.huge end
  local ok, fields = pcall(cjson.decode, value)
  local created = ok and type(fields) == 'table' and parse_iso(fields.createdAt)
  return created or -math.huge
end

if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0}
end
local index, prefix = KEYS[2], ARGV[6]
local ttl, lifetime, max = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + floor(tonumber(time[2]) / 1000)

-- Prune: drop index entries whose session is gone.
local live = {}
for _, jti in ipairs(redis.call('SMEMBERS', index)) do
  local left = redis.call('PTTL', prefix .. encode(jti))
  if left == -2 then
    redis.call('SREM', index, jti)
  else
    live[#live + 1] = {jti = jti, left = left}
  end
end

local evicted = {}
if max > 0 and #live >= max then
  for _, session in ipairs(live) do
    session.created = created_ms(prefix .. encode(session.jti))
  end
  table.sort(live, function(a, b)
    if a.created ~= b.created then return a.created < b.created end
    return a.jti < b.jti
  end)
  local kept = {}
  for i, session in ipairs(live) do
    if i <= #live - max + 1 then
      redis.call('DEL', prefix .. encode(session.jti))
      redis.call('SREM', index, session.jti)
      evicted[#evicted + 1] = session.jti
    else
      kept[#kept + 1] = session
    end
  end
  live = kept
end

local stamp = iso(now)
local value = string.sub(ARGV[2], 1, -2) .. ',"createdAt":"' .. stamp .. '","lastSeenAt":"' .. stamp
  .. '","expiresAt":"' .. iso(now + ttl) .. '","absoluteExpiresAt":"' .. iso(now + lifetime) .. '"}'
redis.call('SET', KEYS[1], value, 'PX', ttl)
redis.call('SADD', index, ARGV[1])

if ARGV[7] == '1' then
  local longest = ttl
  for _, session in ipairs(live) do
    if session.left == -1 or longest == -1 then longest = -1 elseif session.left > longest then longest = session.left end
  end
  if longest == -1 then redis.call('PERSIST', index) else redis.call('PEXPIRE', index, longest) end
end
return {1, now, unpack(evicted)}
