-- test-cycle-b.lua: includes test-cycle-a.lua, which includes this one, for the tests of includes.
-- Includes: test-cycle-a.lua
return 1
