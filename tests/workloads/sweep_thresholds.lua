-- tests/sweep.sh: thresholds in mb.run, and a sweep called from a
-- scenario through moonbench.sweep.
local mb = require "moonbench"
local sweep = require "moonbench.sweep"

return {
  driver = "diag",
  blocks = { main = { ops = { op = { "op" } } } },
  scenarios = {
    met = function()
      local m = mb.run { cycles = 2000, async = 8, delay = "1ms",
                         thresholds = { p99 = "50ms", errors = "0.1%",
                                        rate = ">=100" } }
      mb.log("failed " .. m.thresholds_failed)
    end,
    broken = function()
      local m = mb.run { cycles = 2000, async = 8, delay = "1ms",
                         error_every = 10,
                         thresholds = { p99 = 0.0001, errors = "1%" } }
      mb.log("failed " .. m.thresholds_failed)
    end,
    stepup = function()
      local r = sweep.stepup { from = 500, to = 1000, step = 500,
                               hold = "1s", async = 4, name = "mine" }
      mb.log("rows " .. #r.steps .. " file " .. tostring(r.file))
    end,
  },
}
