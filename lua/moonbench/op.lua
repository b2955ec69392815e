-- The op a completion callback sees: on_result(op, result).
--   op.cycle     the op's cycle (an int64 cdata: full precision)
--   op.name      the op's name in its block
--   op.bindings  the binding values of its cycle, as rendered text
-- One op object per motor is reused for every callback; its fields are
-- pulled from C through the FFI, so nothing is copied unless read.
local ffi = require "ffi"
local mb = require "moonbench"

ffi.cdef [[
int64_t mb_ffi_op_cycle(const void *op);
const char *mb_ffi_op_name(const void *op);
const char *mb_ffi_op_binding(const void *op, const char *name, size_t *len);
]]
local C = ffi.C

local current                      -- the C op of the running callback
local len = ffi.new("size_t[1]")

local bindings = setmetatable({}, {
  __index = function(_, name)
    local p = C.mb_ffi_op_binding(current, tostring(name), len)
    if p == nil then
      error("op.bindings: the workload has no binding '" .. tostring(name) .. "'", 2)
    end
    return ffi.string(p, len[0])
  end,
  __newindex = function() error("op.bindings is read-only", 2) end,
})

local op = setmetatable({}, {
  __index = function(_, k)
    if k == "cycle" then return C.mb_ffi_op_cycle(current) end
    if k == "name" then return ffi.string(C.mb_ffi_op_name(current)) end
    if k == "bindings" then return bindings end
    return nil
  end,
  __newindex = function(_, k) error("op." .. tostring(k) .. " is read-only", 2) end,
})

-- Called by the motor: run fn for the C op ptr; the class name when the
-- callback returned mb.fail(class), else nil.
return function(fn, ptr, result)
  current = ptr
  local r = fn(op, result)
  if mb.is_fail(r) then return r.class end
  return nil
end
