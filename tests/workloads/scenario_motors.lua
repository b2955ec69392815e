-- Live changes of a running activity (tests/scenario.sh): main runs
-- cycles 0..n with async=4 delay=1ms threads=1; the scenario raises
-- threads to 2, then async to 16, then threads back to 1, then awaits.
-- Each motor's on_result writes the cycles it completed, one a line, to a
-- file of its own: out .. a per-state suffix (the address of a table).
local mb = require "moonbench"
local b  = mb.bind
local p  = mb.params { n = 40000, out = "", pause = 0.5 }

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
      description = "threads 1 -> 2, async 4 -> 16, threads 2 -> 1, live",
      run = function()
        local a = mb.start { block = "main", cycles = p.n, threads = 1,
                             async = 4, delay = "1ms" }
        mb.sleep(p.pause); a.threads = 2
        mb.log("threads", a.threads, "async", a.async)
        mb.sleep(p.pause); a.async = 16
        mb.log("threads", a.threads, "async", a.async)
        mb.sleep(p.pause); a.threads = 1
        mb.log("threads", a.threads, "async", a.async)
        local m = a:await()
        mb.log("done", m.ops, m.state)
      end,
    },
  },
}
