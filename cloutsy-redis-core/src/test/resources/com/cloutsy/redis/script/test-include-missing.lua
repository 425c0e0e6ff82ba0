-- test-include-missing.lua: includes a library that does not exist, for the tests of includes.
-- Includes: test-include-gone.lua
return 1
