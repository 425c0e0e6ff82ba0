-- otp-consume.lua: spends a phone's verification if the caller holds it, as one atomic step: only one of any number
-- of concurrent callers with the right value can find and delete it, and a wrong value spends nothing.
-- Includes: otp-library.lua
-- KEYS: 1 otp:verified:{phone}[:purpose]
-- ARGV: 1 the value the verification must hold: the purpose and the HMAC of the presented ticket, or the seed's
--       bare "1" when an unbound verification may be spent
-- Reply: 1 spent, 0 none pending or not this one. Time: none. Bound: one GET, at most one DEL, and a compare over
-- two values of at most 60 bytes (a longer stored value is compared only up to the presented one's length).
local stored = redis.call('GET', KEYS[1])
if stored and equal_in_constant_time(stored, ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
