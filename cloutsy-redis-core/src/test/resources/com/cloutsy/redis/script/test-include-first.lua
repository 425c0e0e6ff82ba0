-- test-include-first.lua: includes test-include-second.lua itself, for the tests of includes.
-- Includes: test-include-second.lua
local function first() return 'first ' .. second() end
