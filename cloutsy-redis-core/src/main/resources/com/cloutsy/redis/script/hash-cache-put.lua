-- hash-cache-put.lua: sets and removes fields of a cached hash and renews its TTL, as one atomic step.
-- KEYS: 1 the hash, e.g. user:{userId}:prefs
-- ARGV: 1 TTL ms  2 number of fields to set n  3 .. 2+2n field/value pairs  then the fields to remove
-- Reply: how many of the fields set were new. Time: key TTL only, no clock read.
-- Bound: one HSET or HDEL per field the call passes, one EXISTS, one PEXPIRE; nothing stored beforehand is read.
local hash = KEYS[1]
local pairs_to_set = tonumber(ARGV[2])
local added = 0
for i = 0, pairs_to_set - 1 do
  added = added + redis.call('HSET', hash, ARGV[3 + 2 * i], ARGV[4 + 2 * i])
end
for i = 3 + 2 * pairs_to_set, #ARGV do
  redis.call('HDEL', hash, ARGV[i])
end
if redis.call('EXISTS', hash) == 1 then
  redis.call('PEXPIRE', hash, ARGV[1])
end
return added
