-- Three steps in a row (tests/scenario.sh): schema with threads pinned to
-- 1, then rampup, then main. Every op of every step appends "BLOCK CYCLE"
-- to one file (out=), opened in append mode by each motor and flushed per
-- line, so the file's order is the order the ops completed in.
local mb = require "moonbench"
local b  = mb.bind
local p  = mb.params { out = "", cycles_each = 200 }

local f
local function record(op)
  if p.out == "" then return end
  if not f then f = assert(io.open(p.out, "a")) end
  f:write(op.name, " ", tostring(tonumber(op.cycle)), "\n")
  f:flush()
end

return {
  driver = "diag",
  bindings = { k = b.mod(10) },
  blocks = {
    schema = { ops = { schema = { "CREATE {k}", on_result = record } } },
    rampup = { ops = { rampup = { "SET {k}", on_result = record } } },
    main   = { ops = { main   = { "GET {k}", on_result = record } } },
  },
  scenarios = {
    default = {
      description = "schema (one thread), rampup, main",
      run = function()
        local n = p.cycles_each
        local s = mb.start { block = "schema", threads = mb.pin(1),
                             cycles = n, async = 4, delay = "1ms" }
        mb.log("step", s.name, "threads", s.threads)
        local m = s:await()
        mb.log("done", m.name, m.ops, m.state)
        local r = mb.start { block = "rampup", cycles = n, async = 4,
                             delay = "1ms" }
        mb.log("step", r.name, "threads", r.threads)
        m = r:await()
        mb.log("done", m.name, m.ops, m.state)
        m = mb.run { block = "main", cycles = n, async = 4, delay = "1ms" }
        mb.log("done", m.name, m.ops, m.state)
      end,
    },
  },
}
