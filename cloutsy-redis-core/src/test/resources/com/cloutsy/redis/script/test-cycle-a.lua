-- test-cycle-a.lua: includes test-cycle-b.lua, which includes this one, for the tests of includes.
-- Includes: test-cycle-b.lua
return 1
