-- on_result callbacks, one behaviour per check= param (diag driver):
--   tenth      mb.fail("tenth") for every cycle that is a multiple of 10
--   boom5      error("boom") at cycle 5 only
--   boom_all   error("boom-all") at every cycle
--   name       mb.fail("bad-name") unless op.name is "check"
--   tostring   mb.fail("k-mismatch") unless op.bindings.k is
--              tostring(tonumber(op.cycle % 7)) (op.cycle is an int64
--              cdata: tostring of it alone would read "3LL")
--   tonumber   mb.fail("k-mismatch") unless tonumber(op.bindings.k) equals
--              op.cycle % 7
--   nope       reads op.bindings.nope, a binding that does not exist
local mb = require "moonbench"
local b  = mb.bind
local p  = mb.params { check = "tenth" }

local checks = {
  tenth = function(op)
    if op.cycle % 10 == 0 then return mb.fail("tenth") end
  end,
  boom5 = function(op)
    if op.cycle == 5 then error("boom") end
  end,
  boom_all = function(op)
    error("boom-all")
  end,
  name = function(op)
    if op.name ~= "check" then return mb.fail("bad-name") end
  end,
  tostring = function(op)
    if op.bindings.k ~= tostring(tonumber(op.cycle % 7)) then
      return mb.fail("k-mismatch")
    end
  end,
  tonumber = function(op)
    if tonumber(op.bindings.k) ~= op.cycle % 7 then
      return mb.fail("k-mismatch")
    end
  end,
  nope = function(op)
    if op.bindings.nope == nil then return mb.fail("nil") end
  end,
}
local check = assert(checks[p.check], "check: no such check")

return {
  driver = "diag",
  bindings = { k = b.mod(7) },
  blocks = {
    main = {
      ops = {
        check = { "CHECK {k}",
          on_result = function(op, result) return check(op) end },
      },
    },
  },
}
