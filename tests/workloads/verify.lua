-- Values derived from their keys, checked from the key alone.
--
-- rampup writes key i with value(i) once each (cycle i -> key i); main
-- reads random keys and checks each value it reads against what the key
-- alone says it must be. With the stdout driver the "store" is the file
-- rampup printed (store=FILE), read back by each motor.
local mb = require "moonbench"
local b  = mb.bind
local p  = mb.params { keycount = 1000, store = "" }

-- The store: "SET key:K VALUE" lines, as rampup prints them.
local stored = {}
if p.store ~= "" then
  for line in io.lines(p.store) do
    local k, v = line:match("^SET key:(%d+) (.*)$")
    if k then stored[k] = v end
  end
end

return {
  driver = "stdout",
  bindings = {
    seq_id  = b.mod(p.keycount),                         -- rampup: each key once
    rand_id = b.hash():mod(p.keycount),                  -- main: random keys
    value   = b.ref("seq_id"):hash():alnum(16, 32),      -- a function of the key
    expect  = b.ref("rand_id"):hash():alnum(16, 32),     -- the same function
  },
  blocks = {
    rampup = { ops = { write = { "SET", "key:{seq_id}", "{value}" } } },
    main = { ops = {
      read = { "GET", "key:{rand_id}",
        on_result = function(op)
          local got = stored[op.bindings.rand_id]
          if got == nil then return mb.fail("missing") end
          if got ~= op.bindings.expect then return mb.fail("mismatch") end
        end },
    } },
  },
}
