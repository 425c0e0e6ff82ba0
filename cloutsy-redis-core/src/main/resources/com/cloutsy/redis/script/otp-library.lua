-- otp-library.lua: functions the OTP scripts share; LuaScript puts this text before every script
-- whose header includes it.
-- No KEYS, ARGV or reply of its own.

-- Whether two strings are equal, looking at every byte whatever the first difference, so the time taken says
-- nothing about the stored value. Bound: the length of the shorter string.
local function equal_in_constant_time(stored, submitted)
  local difference = #stored == #submitted and 0 or 1
  for i = 1, math.min(#stored, #submitted) do
    difference = bit.bor(difference, bit.bxor(string.byte(stored, i), string.byte(submitted, i)))
  end
  return difference == 0
end
