-- Key-value reads and writes on Redis, every value checked.
--
--   moonbench scenarios/kv-redis.lua                   (its default scenario)
--   moonbench scenarios/kv-redis.lua port=6380 keycount=1M main_cycles=10M
--   moonbench scenarios/kv-redis.lua connections=8 async=128   (16 a connection)
--   moonbench run workload=scenarios/kv-redis.lua block=verify cycles=100K async=64
--
-- Rampup writes key i at cycle i, each key once. A value is a function of
-- its key (b.ref), so main and verify check every value they read from the
-- key alone, and main's writes store the value the key already has. A
-- value that is not what its key says fails its op as verify-mismatch
-- (verify-missing when the key is gone); the first few are shown with
-- their cycle.
local mb = require "moonbench"
local b  = mb.bind

local p = mb.params { keycount = 100000, main_cycles = 1000000,
                      host = "127.0.0.1", port = 6379 }

-- Shown per motor before going quiet: the counts tell the rest.
local shown, show_max = 0, 5

local function check(op, reply, want, key)
  if reply == want then return end
  local class = reply == nil and "verify-missing" or "verify-mismatch"
  if shown < show_max then
    shown = shown + 1
    io.stderr:write(string.format(
      "kv-redis: %s at cycle %s: key:%s holds %s, expected %q\n", class,
      (tostring(op.cycle):gsub("LL$", "")), key,
      reply == nil and "nothing" or string.format("%q", tostring(reply)),
      want))
  end
  return mb.fail(class)
end

return {
  description = "Redis key-value: rampup, reads checked and writes, verify",
  driver = "redis",

  bindings = {
    seq_id  = b.mod(p.keycount),                 -- rampup, verify: key i at cycle i
    rand_id = b.hash():mod(p.keycount),          -- main: keys spread over the space
    value   = b.ref("seq_id"):hash():alnum(64),  -- a value is a function of its key
    expect  = b.ref("rand_id"):hash():alnum(64), -- ... the same function
  },

  blocks = {
    rampup = { ops = {
      write = { "SET", "key:{seq_id}", "{value}" },
    } },
    main = { ops = {
      read = { "GET", "key:{rand_id}", ratio = 9,
               on_result = function(op, reply)
                 return check(op, reply, op.bindings.expect,
                              op.bindings.rand_id)
               end },
      write = { "SET", "key:{rand_id}", "{expect}", ratio = 1 },
    } },
    verify = { ops = {
      read = { "GET", "key:{seq_id}",
               on_result = function(op, reply)
                 return check(op, reply, op.bindings.value,
                              op.bindings.seq_id)
               end },
    } },
  },

  scenarios = {
    default = {
      description = "rampup (each key once), main (9 checked reads to 1 " ..
                    "write), verify every key",
      run = function()
        mb.run { block = "rampup", cycles = mb.pin(p.keycount), async = 64,
                 host = p.host, port = p.port }
        mb.run { block = "main", cycles = p.main_cycles, async = 64,
                 host = p.host, port = p.port }
        mb.run { block = "verify", cycles = mb.pin(p.keycount), async = 64,
                 host = p.host, port = p.port }
      end,
    },
  },
}
