-- test-twice.lua: uses test-library.lua, for the script runner's tests.
-- Includes: test-library.lua
-- KEYS: none  ARGV: 1 a number  Reply: twice the number.
return twice(tonumber(ARGV[1]))
