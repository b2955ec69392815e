-- A first workload: print the ops it would send, to see what a workload
-- renders before pointing it at a real target.
--
--   moonbench run workload=scenarios/stdout.lua cycles=10
--   moonbench run workload=scenarios/stdout.lua cycles=10 format=json
--   moonbench run workload=scenarios/stdout.lua cycles=5 keycount=3
--
-- Every line is a pure function of its cycle: the same cycles print the
-- same lines with any threads=, stride= or shard=.
local mb = require "moonbench"
local b  = mb.bind

-- Params this workload adds; name=value on the command line overrides
-- them (keycount=1M works: the text is read as the default's type).
local p = mb.params { keycount = 1000 }

return {
  description = "Key-value commands, printed",
  driver = "stdout",

  -- Bindings turn the cycle into values, in C: no Lua runs per value.
  bindings = {
    id   = b.mod(p.keycount),             -- 0, 1, 2, ... keycount-1, 0, ...
    key  = b.hash():mod(p.keycount),      -- spread over the key space
    val  = b.ref("key"):hash(),           -- derived from key: checkable later
  },

  blocks = {
    main = {
      -- A map of ops is sequenced in the order of their names; ratio says
      -- how often each comes (seq=bucket interleaves them: r r w r r ...).
      ops = {
        read  = { "GET", "key:{key}", ratio = 4 },
        write = { "SET", "key:{key}", "{val}", ratio = 1 },
        -- Braces that are not a {binding} are literal: JSON needs no escape.
        event = { "PUBLISH", "events", '{"id": {id}, "kind": "demo"}', ratio = 1 },
      },
    },
  },
}
