-- test-library-error.lua: fails inside test-faulty-library.lua, which test-library.lua pushes down from the first
-- line of the built source, for the tests of error positions.
-- Includes: test-library.lua, test-faulty-library.lua
-- KEYS: 1 a key the "push" failure overwrites
-- ARGV: 1 "raise" for error(), "add" for bad arithmetic, "push" for a failed redis.call  Reply: none, an error.
if ARGV[1] == 'raise' then raise() end
if ARGV[1] == 'push' then push_onto_string(KEYS[1]) end
return add_nothing(1)
