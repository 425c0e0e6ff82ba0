-- test-error.lua: fails on purpose, for the script runner's tests.
-- KEYS: none  ARGV: none  Reply: an error reply.
return redis.error_reply('ERR deliberate test failure')
