-- GETs of a set of pages over keep-alive connections, each response checked.
--
--   moonbench scenarios/http-get.lua url=http://127.0.0.1:8080/
--   moonbench scenarios/http-get.lua url=http://web:8080/api/ pages=1000 cycles=1M
--   moonbench scenarios/http-get.lua url=... connections=64 async=64 duration=30s
--   moonbench run workload=scenarios/http-get.lua url=... cycles=100K async=16
--
-- Cycle i asks for PREFIX/page-N (N = a hash of i mod `pages`), under
-- url='s path. Every response must be a 200 (a 404 or a 500 is counted as
-- http-404, http-500) with a body (counted as empty-body otherwise).
local mb = require "moonbench"
local b  = mb.bind

local p = mb.params { pages = 100, prefix = "/page-", cycles = 10000,
                      connections = 8, async = 8 }

return {
  description = "HTTP GETs of pages from bindings, each response checked",
  driver = "http",

  bindings = {
    page = b.hash():mod(p.pages),
  },

  blocks = {
    main = { ops = {
      get = { "GET", p.prefix .. "{page}",
              on_result = function(op, resp)
                if resp.status ~= 200 then return mb.fail("unexpected-status") end
                if #resp.body == 0 then return mb.fail("empty-body") end
              end },
    } },
  },

  scenarios = {
    default = function()
      mb.run { block = "main", cycles = p.cycles, connections = p.connections,
               async = p.async, threads = 1 }
    end,
  },
}
