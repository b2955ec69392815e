-- A workload param: mb.params{ keycount = 10 }, overridden by keycount=N.
local mb = require "moonbench"
local b  = mb.bind
local p  = mb.params { keycount = 10 }

return {
  driver = "stdout",
  bindings = { id = b.mod(p.keycount) },
  blocks = { main = { ops = { get = "GET k{id}" } } },
}
