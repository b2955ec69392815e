-- For tests/repl.sh: a diag block whose completions each motor writes,
-- one cycle a line, to a file of its own (out .. a per-state suffix), so
-- the test can check that every cycle ran exactly once; and a scenario
-- for run_scenario().
local mb = require "moonbench"
local b  = mb.bind
local p  = mb.params { out = "" }

local f
return {
  driver = "diag",
  bindings = { k = b.mod(10) },
  blocks = {
    main = { ops = { r = { "GET {k}", on_result = function(op)
      if p.out == "" then return end
      if not f then
        f = assert(io.open(p.out .. tostring({}):sub(8), "w"))
      end
      f:write(tostring(tonumber(op.cycle)), "\n")
      f:flush()
    end } } },
  },
  scenarios = {
    default = {
      description = "two short steps",
      run = function()
        local m = mb.run { block = "main", alias = "one", cycles = 50 }
        mb.log("one", m.ops)
        m = mb.run { block = "main", alias = "two", cycles = 70, async = 4 }
        mb.log("two", m.ops)
        return m.ops
      end,
    },
  },
}
