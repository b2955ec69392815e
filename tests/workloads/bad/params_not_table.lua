local mb = require "moonbench"
local p = mb.params(1000)
return { driver = "stdout", blocks = { main = { ops = { x = "X" } } } }
