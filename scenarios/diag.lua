-- A diag workload: no target, but ops that take time and a completion
-- callback that checks each result, to rehearse a workload's logic.
--
--   moonbench run workload=scenarios/diag.lua cycles=10K async=32 delay=1ms
--   moonbench scenarios/diag.lua                 (its default scenario)
--   moonbench --list-scenarios scenarios/diag.lua
--
-- diag's params (delay=, error_every=, ...) work as with driver=diag.
local mb = require "moonbench"
local b  = mb.bind

local p = mb.params { users = 100, check_every = 10, main_cycles = 20000 }

return {
  description = "A read-mostly load with a check in on_result",
  driver = "diag",

  bindings = {
    user = b.hash():mod(p.users),
  },

  blocks = {
    main = {
      -- An array of ops runs in the order written; each needs a name.
      ops = {
        { name = "read", "GET user:{user}", ratio = 9,
          -- Runs on the motor's thread after the op completes. op.cycle,
          -- op.name and op.bindings.NAME describe it; returning
          -- mb.fail("class") fails it under that error class.
          on_result = function(op, result)
            if op.cycle % p.check_every == 0 then
              return mb.fail("spot-check")
            end
          end },
        { name = "write", "SET user:{user} x", ratio = 1 },
      },
    },
  },

  -- Scenarios run activities in order and change them while they run.
  -- name=value on the command line reaches every step, except values a
  -- step pins with mb.pin.
  scenarios = {
    default = {
      description = "a short warm-up, then the main load, 2 threads half-way",
      run = function()
        mb.run { alias = "warmup", cycles = 1000, async = 8, delay = "1ms",
                 threads = mb.pin(1) }
        local a = mb.start { cycles = p.main_cycles, async = 32, delay = "1ms" }
        mb.sleep("300ms")
        a.threads = 2
        local m = a:await()
        mb.log(string.format("main: %d ops, %d errors, p99 %.2f ms",
                             m.ops, m.errors, m.p99 * 1000))
      end,
    },
  },
}
