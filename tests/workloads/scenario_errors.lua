-- Scenarios that fail or get interrupted (tests/scenario.sh). Each long
-- activity would run for minutes if nothing stopped it.
local mb = require "moonbench"
local b  = mb.bind
local p  = mb.params { field = "k" }

local long = { block = "main", cycles = "100M", async = 4, delay = "1ms" }

return {
  description = "failing and interrupted scenarios",
  driver = "diag",
  bindings = { k = b.mod(10) },
  blocks = {
    main = { ops = { get = "GET {k}" } },
    -- field=NAME makes this template use the binding NAME.
    bind = { ops = { put = "PUT {" .. p.field .. "}" } },
  },
  scenarios = {
    broken = {
      description = "indexes nil while an activity runs",
      run = function()
        local a = mb.start(long)
        mb.sleep("300ms")
        mb.log("about to fail")
        local t = nil
        return t.field -- the error line
      end,
    },
    bind = {
      description = "runs the bind block (field=NAME picks its binding)",
      run = function()
        local m = mb.run { block = "bind", cycles = 3 }
        mb.log("bind ops", m.ops)
      end,
    },
    long = function()
      mb.log("starting")
      mb.run(long)
      mb.log("not reached")
    end,
    nap = {
      description = "sleeps for an hour, nothing running",
      run = function()
        mb.log("napping")
        mb.sleep("1h")
        mb.log("not reached")
      end,
    },
    rate = {
      description = "sets a.rate",
      run = function()
        local a = mb.start(long)
        mb.sleep("100ms")
        a.rate = 100
        mb.log("not reached")
      end,
    },
    nothreads = {
      description = "sets threads to 0 live",
      run = function()
        local a = mb.start(long)
        mb.sleep("100ms")
        a.threads = 0
        mb.log("not reached")
      end,
    },
  },
}
