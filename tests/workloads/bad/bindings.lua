-- A workload whose bindings are the Lua table given as bindings=..., over
-- b = mb.bind; its op shows binding x: "X {x}". docs/errors.md runs bad
-- ones, e.g. bindings='{ x = b.mod(0) }' (tests/errors_doc.sh).
local mb = require "moonbench"
local b  = mb.bind
local p  = mb.params { bindings = "{ x = b.identity() }" }

local make = assert(loadstring("local b = ...; return " .. p.bindings,
                               "=bindings"))
return {
  driver = "stdout",
  bindings = make(b),
  blocks = { main = { ops = { show = "X {x}" } } },
}
