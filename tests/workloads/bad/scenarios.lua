-- Scenarios that misuse the scenario API, one mistake each
-- (docs/errors.md, tests/errors_doc.sh).
local mb = require "moonbench"

local long = { cycles = "100M", async = 4, delay = "1ms" }

return {
  driver = "diag",
  blocks = { main = { ops = { get = "GET" } } },
  scenarios = {
    start_number = function() mb.start(5) end,
    sleep_soon = function() mb.sleep("soon") end,
    sleep_negative = function() mb.sleep(-1) end,
    set_text = function()
      local a = mb.start(long)
      a.threads = "2"
    end,
    set_unknown = function()
      local a = mb.start(long)
      a.cycles = 5
    end,
    yield = function() coroutine.yield() end,
    bad_param = function() mb.run { cycles = "ten" } end,
    unknown_param = function() mb.run { thread = 2 } end,
    table_param = function() mb.run { cycles = {} } end,
    stopped = function()
      mb.run { cycles = 10, error_cycles = "3", errors = "diag-injected:stop" }
    end,
    after_end = function()
      local a = mb.start { cycles = 10 }
      a:await()
      a.threads = 2
    end,
    not_function = 42,
  },
}
