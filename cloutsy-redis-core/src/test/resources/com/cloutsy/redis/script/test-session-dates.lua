-- test-session-dates.lua: runs the date arithmetic of session-library.lua, for the tests that compare it with
-- java.time.
-- Includes: session-library.lua
-- KEYS: none
-- ARGV: pairs of milliseconds since the epoch and an ISO-8601 date-time with any offset
-- Reply: for each pair, iso(ms), then parse_iso of the date-time (-1 when it was not read: no instant tested is -1),
--        then the server's now_ms().
-- Bound: one TIME and two conversions per pair; the caller sends a bounded number of pairs.
local reply = {}
for i = 1, #ARGV, 2 do
  reply[#reply + 1] = iso(tonumber(ARGV[i]))
  reply[#reply + 1] = parse_iso(ARGV[i + 1]) or -1
end
reply[#reply + 1] = now_ms()
return reply
