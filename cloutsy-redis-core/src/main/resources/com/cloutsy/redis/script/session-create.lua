-- session-create.lua: stores a new session and its index entry, pruning dead entries and evicting the oldest
-- sessions over the limit, as one atomic step.
-- Includes: session-library.lua
-- KEYS: 1 session:{userId}:{jti}  2 sessions:{userId}
-- ARGV: 1 jti  2 the value without its times: a compact JSON object  3 TTL ms  4 absolute lifetime ms
--       5 max sessions per user, 0 for no limit  6 this user's session key without the jti
--       7 "1" to keep the index alive exactly as long as its longest session, "0" to leave its TTL alone
-- Reply: {0} when the jti already names a live session (nothing written);
--        {1, now ms, whole, evicted jti...} when stored, evicted oldest first; whole is 1 when the index was
--        handled whole, 0 when it was too large (only its sample was pruned, nothing evicted: the limit waits for
--        SessionStore.cleanIndex); the error SLOT_MOVING, with nothing written, when a session of the user is on the
--        other node of a slot migration.
-- Time: Redis TIME for createdAt, lastSeenAt, expiresAt and absoluteExpiresAt (ISO-8601, UTC, milliseconds).
-- Bound: EXISTS, SCARD, TIME, SET, SADD, at most two of PTTL, PEXPIRE or PERSIST; then, for an index of at most
-- WHOLE_LIMIT entries, prune's work and, at the limit, a GET and a JSON decode per live session, a sort of them
-- and a DEL and an SREM per evicted one; for a larger index, prune_sample's work over SAMPLE entries.

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
local now = now_ms()

local whole = is_whole(index)
local live, evicted = {}, {}
if whole then
  live = prune(index, prefix)
  if not live then return redis.error_reply(SLOT_MOVING) end
else
  prune_sample(index, prefix, SAMPLE)
end

if whole and max > 0 and #live >= max then
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
  if whole then
    live[#live + 1] = {jti = ARGV[1], left = ttl}
    expire_index(index, live)
  else
    extend_index(index, ttl)
  end
end
return {1, now, whole and 1 or 0, unpack(evicted)}
