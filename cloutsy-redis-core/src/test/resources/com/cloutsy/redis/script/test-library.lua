-- test-library.lua: a shared function, for the script runner's tests.
local function twice(n)
  return 2 * n
end
