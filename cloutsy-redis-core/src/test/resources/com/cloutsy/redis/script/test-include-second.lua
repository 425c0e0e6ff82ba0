-- test-include-second.lua: a library without includes, for the tests of includes.
local function second() return 'second' end
