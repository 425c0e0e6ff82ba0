-- test-include-both.lua: includes two libraries, one of which includes the other, for the tests of includes.
-- Includes: test-include-first.lua, test-include-second.lua
-- KEYS: none  ARGV: none  Reply: what the included functions return.
return first()
