-- Params in scenarios (tests/scenario.sh): the command line over the
-- mb.run table over mb.params defaults, except what the table pins; text
-- converted to the default's type; a param of one driver only.
local mb = require "moonbench"
local b  = mb.bind
local p  = mb.params { keycount = 10, mode = "a" }

return {
  driver = "diag",
  bindings = { k = b.mod(p.keycount) },
  blocks = { main = { ops = { get = "GET k{k}" } } },
  scenarios = {
    default = {
      description = "logs the workload params",
      run = function()
        mb.log("keycount", p.keycount, type(p.keycount))
        mb.log("mode", p.mode, type(p.mode))
      end,
    },
    table = {
      description = "cycles = 5 in the mb.run table",
      run = function()
        local m = mb.run { cycles = 5 }
        mb.log("ops", m.ops)
      end,
    },
    pinned = {
      description = "cycles = mb.pin(5) in the mb.run table",
      run = function()
        local m = mb.run { cycles = mb.pin(5) }
        mb.log("ops", m.ops)
      end,
    },
    mixed = {
      description = "a stdout step, then a diag step",
      run = function()
        local m = mb.run { driver = "stdout", cycles = 3 }
        mb.log("stdout", m.ops, m.state)
        m = mb.run { cycles = 3 }
        mb.log("diag", m.ops, m.state, "p50>=1ms", tostring(m.p50 >= 0.001))
      end,
    },
  },
}
