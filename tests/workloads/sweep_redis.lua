-- tests/sweep.sh: findmax against a real redis-server (SET of 1000 keys).
local mb = require "moonbench"
local b  = mb.bind

return {
  driver = "redis",
  bindings = { id = b.hash():mod(1000) },
  blocks = { main = { ops = { set = { "SET", "sweep:{id}", "v" } } } },
}
