-- test-faulty-library.lua: functions that fail at a known line, for the tests of error positions.
-- No KEYS, ARGV or reply of its own.
local function raise()
  error('deliberate library failure')
end

local function add_nothing(n)
  return n + nil
end

local function push_onto_string(key)
  redis.call('SET', key, 'a string')
  return redis.call('LPUSH', key, 'x')
end
