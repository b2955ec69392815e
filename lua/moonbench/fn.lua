-- Calls a b.fn function for the cycle the C core is evaluating, and hands
-- its value back in a form C reads exactly: a number, a string, or an
-- int64 as two 32-bit halves (so 64-bit integers keep full precision).
local ffi = require "ffi"
local bit = require "bit"

ffi.cdef [[ int64_t mb_ffi_fn_cycle(void); ]]
local C = ffi.C

return function(f)
  local v = f(C.mb_ffi_fn_cycle())
  local t = type(v)
  if t == "number" or t == "string" then return v end
  if t == "boolean" then return tostring(v) end
  if t == "cdata" then
    local ok, i = pcall(ffi.cast, "int64_t", v)
    if ok then
      return tonumber(bit.rshift(i, 32)), tonumber(bit.band(i, 0xffffffff))
    end
  end
  error("b.fn must return a number, a string or an int64, not a " .. t, 0)
end
