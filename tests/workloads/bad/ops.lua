-- A workload whose block main has the ops given as ops=... (a Lua table,
-- over mb and a binding k = b.mod(10)). docs/errors.md runs bad ones, e.g.
-- ops='{ r = { "R", ratio = -1 } }' (tests/errors_doc.sh).
local mb = require "moonbench"
local b  = mb.bind
local p  = mb.params { ops = '{ r = "R {k}" }' }

local make = assert(loadstring("local mb = ...; return " .. p.ops, "=ops"))
return {
  driver = "stdout",
  bindings = { k = b.mod(10) },
  blocks = { main = { ops = make(mb) } },
}
