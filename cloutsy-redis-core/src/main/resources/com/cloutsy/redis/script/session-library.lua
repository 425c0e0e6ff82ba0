-- session-library.lua: functions every session script shares; LuaScript puts this text before every script
-- whose header includes it.
-- No KEYS, ARGV or reply of its own.
local floor = math.floor

-- The calendar arithmetic below is Howard Hinnant's days_from_civil / civil_from_days: it counts days in 400-year
-- eras that start on 0000-03-01, so that the leap day is the last day of a year and needs no special case.
local MS_PER_DAY = 86400000
local DAYS_PER_ERA = 146097
-- Days from 0000-03-01, the start of the first era, to 1970-01-01.
local EPOCH_DAY = 719468

-- Keys.encode: A-Z a-z 0-9 . _ @ + - stay, every other byte becomes %XX.
local function encode(id)
  return (string.gsub(id, '[^A-Za-z0-9%._@%+%-]', function(c) return string.format('%%%02X', string.byte(c)) end))
end

-- Redis TIME as milliseconds since the epoch: the server's clock, the same for every caller.
local function now_ms()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + floor(tonumber(time[2]) / 1000)
end

-- The ISO-8601 UTC text of milliseconds since the epoch, always with three digits of milliseconds (Java's
-- Instant.toString leaves zero ones out): yyyy-MM-ddTHH:mm:ss.SSSZ, for years 0000 to 9999.
local function iso(ms)
  local days = floor(ms / MS_PER_DAY)
  local rem = ms - days * MS_PER_DAY
  local z = days + EPOCH_DAY
  local era = floor(z / DAYS_PER_ERA)
  local doe = z - era * DAYS_PER_ERA
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
  local days = era * DAYS_PER_ERA + yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + doy - EPOCH_DAY
  return days * MS_PER_DAY + ((h * 60 + mi) * 60 + sec) * 1000 + ms - offset
end

-- The most entries an index may hold for a script to handle it whole (prune below): twice SessionPolicy's
-- MAX_SESSIONS_PER_USER, so an index kept by SessionStore with a limit qualifies even with as many dead entries
-- again (the seed's code adds entries and never prunes). A larger one (written by the seed's code, or kept without
-- a limit) is handled in bounded steps: a sample per write, session-sweep.lua for reads, revoke-all and cleaning.
local WHOLE_LIMIT = 1024

-- Index entries one write samples of an index too large to handle whole.
local SAMPLE = 128

-- Whether the index is small enough to handle whole. One SCARD.
local function is_whole(index)
  return redis.call('SCARD', index) <= WHOLE_LIMIT
end

-- While Redis Cluster migrates a user's slot (all of a user's keys share it), a session key a script reads without
-- having declared it may be on the other node: the migrating node refuses to read a key that has left, and the
-- importing node answers as if a key that has not arrived did not exist. A script that would act on such a key
-- answers this instead, before it writes anything; it is the reply Redis gives a command whose keys are split, and
-- the client sends the script again once they have moved (MigrationRetry).
local SLOT_MOVING = 'TRYAGAIN a session of this user is on the other node of a slot migration'

-- The reply of a read of keys the script did not declare, or nil when this node cannot serve it because their slot
-- is being migrated; any other error is raised as redis.call raises it.
local function local_read(...)
  local reply = redis.pcall(...)
  if type(reply) == 'table' and reply.err then
    if string.find(reply.err, 'non local key', 1, true) then return nil end
    return redis.call(...)
  end
  return reply
end

-- Whether a session key the script did not declare is on this node, or no slot is moving: a command on it and the
-- (declared, so local) index together, which a node migrating or importing their slot refuses unless it holds both.
-- One EXISTS.
local function is_local(index, key)
  return local_read('EXISTS', index, key) ~= nil
end

-- The PTTL of a session key the script did not declare, or nil when it is on the other node of a migration. One
-- PTTL, and for a key that reads as absent one EXISTS.
local function session_pttl(index, key)
  local left = local_read('PTTL', key)
  if left == -2 and not is_local(index, key) then return nil end
  return left
end

-- The index entries whose session is still there, each {jti = ..., left = its PTTL ms, -1 for no expiry}, in
-- SMEMBERS order; entries whose session is gone leave the index. nil, with nothing written, when a session is on the
-- other node of a migration (SLOT_MOVING). Only for an index that is_whole. Bound: one SMEMBERS, one PTTL per entry
-- (and an EXISTS per gone one) and one SREM of the dead ones, at most WHOLE_LIMIT entries.
local function prune(index, prefix)
  local live, dead = {}, {}
  for _, jti in ipairs(redis.call('SMEMBERS', index)) do
    local left = session_pttl(index, prefix .. encode(jti))
    if not left then return nil end
    if left == -2 then
      dead[#dead + 1] = jti
    else
      live[#live + 1] = {jti = jti, left = left}
    end
  end
  if #dead > 0 then redis.call('SREM', index, unpack(dead)) end
  return live
end

-- Drops the entries whose session is gone from a random sample of the index, whatever its size: the index's
-- share of the cleaning that every write does. Bound: one SRANDMEMBER of at most `count` entries (Redis copies
-- the set only when it has fewer than three times that many), one PTTL per entry (and an EXISTS per gone one) and one
-- SREM of the dead ones. An entry whose session is on the other node of a migration stays.
local function prune_sample(index, prefix, count)
  local dead = {}
  for _, jti in ipairs(redis.call('SRANDMEMBER', index, count)) do
    if session_pttl(index, prefix .. encode(jti)) == -2 then dead[#dead + 1] = jti end
  end
  if #dead > 0 then redis.call('SREM', index, unpack(dead)) end
end

-- Keeps the index alive exactly as long as the longest of the sessions (as prune returns them), so it neither
-- outlives them nor expires before one of them; with no sessions it is left alone. One PEXPIRE or PERSIST.
local function expire_index(index, sessions)
  if #sessions == 0 then return end
  local longest = 0
  for _, session in ipairs(sessions) do
    local left = session.left
    if left == -1 or longest == -1 then longest = -1 elseif left > longest then longest = left end
  end
  if longest == -1 then redis.call('PERSIST', index) else redis.call('PEXPIRE', index, longest) end
end

-- Makes the index live at least `ttl` ms more, for a session that now lives that long, without reading the other
-- sessions: it never shortens the index's life, so no session outlives its entry. One PTTL and at most one PEXPIRE.
local function extend_index(index, ttl)
  local left = redis.call('PTTL', index)
  if left ~= -1 and left < ttl then redis.call('PEXPIRE', index, ttl) end
end
