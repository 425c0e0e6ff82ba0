-- session-sweep.lua: one bounded step of a walk over a user's index too large for one script to handle whole
-- (SessionStore walks it with SSCAN's cursor, one step per call): drops entries whose session is gone and reports
-- or ends the live ones. A walk sees every entry that stays in the index from its first step to its last.
-- Includes: session-library.lua
-- KEYS: 1 sessions:{userId}
-- ARGV: 1 this user's session key without the jti  2 the SSCAN cursor, "0" to start
--       3 what to do with a live session: "jti" report its jti, "value" report its jti, value and TTL, "end" end it
--       4 the jti to keep when ending, or ""  5 SSCAN's COUNT
-- Reply: {next cursor ("0" when the walk is done), entries dropped, then per live session its jti ("jti"), its jti,
--        value (a value that is not a string as "") and TTL ms, -1 for no expiry ("value"), or the jtis ended
--        ("end")}; the error SLOT_MOVING, with nothing written, when a session of the step is on the other node of
--        a slot migration.
-- Time: key TTLs only, no clock read.
-- Bound: one SSCAN with COUNT ARGV[5]: Redis visits at most that many buckets of the set (and ten times as many
-- empty ones), so it returns about that many entries; a set small enough for a compact encoding comes whole, at
-- most set-max-intset-entries (set-max-listpack-entries from Redis 7.2) of them. Then one PTTL per entry (and an
-- EXISTS per gone one) and one SREM of the dead ones; a GET per live one ("value"), or a DEL per live one and an
-- SREM of them ("end").

local index, prefix, mode, keep = KEYS[1], ARGV[1], ARGV[3], ARGV[4]
local step = redis.call('SSCAN', index, ARGV[2], 'COUNT', tonumber(ARGV[5]))
local lefts = {}
for i, jti in ipairs(step[2]) do
  lefts[i] = session_pttl(index, prefix .. encode(jti))
  if not lefts[i] then return redis.error_reply(SLOT_MOVING) end
end
local reply, gone = {step[1], 0}, {}
for i, jti in ipairs(step[2]) do
  local key = prefix .. encode(jti)
  local left = lefts[i]
  if left == -2 then
    gone[#gone + 1] = jti
  elseif mode == 'value' then
    local value = redis.pcall('GET', key)
    reply[#reply + 1] = jti
    reply[#reply + 1] = type(value) == 'string' and value or ''
    reply[#reply + 1] = left
  elseif mode == 'end' then
    if jti ~= keep then
      redis.call('DEL', key)
      reply[#reply + 1] = jti
    end
  else
    reply[#reply + 1] = jti
  end
end
if #gone > 0 then reply[2] = redis.call('SREM', index, unpack(gone)) end
if mode == 'end' and #reply > 2 then redis.call('SREM', index, unpack(reply, 3)) end
return reply
