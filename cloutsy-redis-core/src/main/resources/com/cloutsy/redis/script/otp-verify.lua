-- otp-verify.lua: counts a verification attempt and compares HMACs in constant time, as one atomic step.
-- Includes: otp-library.lua
-- KEYS: 1 otp:code:{phone}[:purpose]  2 otp:attempts:{phone}[:purpose]  3 otp:verified:{phone}[:purpose]
-- ARGV: 1 HMAC of the submitted code  2 attempts allowed per code  3 verified window ms
--       4 the verified key's value if the code is right: the purpose and the HMAC of a fresh verification ticket
-- Reply: {status, n}; status 0 verified (n: window ms), 1 wrong code (n: attempts left), 2 too many attempts
-- (the code is gone), 3 expired or never issued. Time: key TTLs only, no clock read. Bound: at most 7 commands on
-- 3 keys, and a compare over two 43-byte HMACs.
local max_attempts = tonumber(ARGV[2])
if tonumber(redis.call('GET', KEYS[2]) or '0') >= max_attempts then
  return {2, 0}
end
local stored = redis.call('GET', KEYS[1])
if not stored then
  return {3, 0}
end

local attempts = redis.call('INCR', KEYS[2])
if attempts == 1 then
  -- The attempts die with the code, so a locked code stays locked for exactly its remaining life.
  redis.call('PEXPIRE', KEYS[2], math.max(redis.call('PTTL', KEYS[1]), 1))
end

if equal_in_constant_time(stored, ARGV[1]) then
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[3])
  return {0, tonumber(ARGV[3])}
end
if attempts >= max_attempts then
  redis.call('DEL', KEYS[1])
  return {2, 0}
end
return {1, max_attempts - attempts}
