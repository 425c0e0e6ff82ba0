-- otp-release.lua: gives back a request whose code could not be sent, so the retry does not count twice.
-- KEYS: 1 otp:cooldown:{phone}  2 otp:requests:{phone}  3 otp:code:{phone}[:purpose]
-- ARGV: 1 the HMAC of the code that was not sent
-- Reply: 1 when the request was given back, 0 when a newer code had replaced it. Time: none.
-- Bound: at most four commands on three keys.
if redis.call('GET', KEYS[3]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[3], KEYS[1])
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then
  redis.call('DECR', KEYS[2])
end
return 1
