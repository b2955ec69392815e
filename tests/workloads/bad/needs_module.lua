-- Needs a module that is only found through MOONBENCH_PATH.
local extra = require "moonbench.extra"
return { driver = "stdout", blocks = { main = { ops = { x = extra.word } } } }
