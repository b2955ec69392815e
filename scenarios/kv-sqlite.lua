-- Key-value reads and writes on SQLite, every value checked.
--
--   moonbench scenarios/kv-sqlite.lua                  (its default scenario)
--   moonbench scenarios/kv-sqlite.lua keycount=1M main_cycles=5M
--   moonbench scenarios/kv-sqlite.lua file=kv.db       (a file of yours, kept)
--   moonbench run workload=scenarios/kv-sqlite.lua block=main cycles=1M file=kv.db
--
-- Rampup writes key i at cycle i, each key once (INSERT, so a key written
-- twice would fail as sqlite-constraint). A value is a function of its key
-- (b.ref), so main and verify check every value they read from the key
-- alone, and main's updates write the value the key already has.
-- Without file=, the steps share a fresh database in a temporary
-- directory, removed at exit (keep=true keeps it and prints its path).
local mb = require "moonbench"
local b  = mb.bind

local p = mb.params { keycount = 25000, main_cycles = 150000 }

-- The value of a key, as on_result sees it (the rendered text).
local function check(rows, want)
  local row = rows[1]
  if row == nil then return mb.fail("verify-missing") end
  if row.v ~= want then return mb.fail("verify-mismatch") end
end

return {
  description = "SQLite key-value: rampup, reads checked and updates, verify",
  driver = "sqlite",

  bindings = {
    seq_id  = b.mod(p.keycount),                 -- rampup, verify: key i at cycle i
    rand_id = b.hash():mod(p.keycount),          -- main: keys spread over the space
    value   = b.ref("seq_id"):hash():alnum(64),  -- a value is a function of its key
    expect  = b.ref("rand_id"):hash():alnum(64), -- ... the same function
  },

  blocks = {
    schema = { ops = {
      create = { "CREATE TABLE IF NOT EXISTS kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL)" },
    } },
    -- The SQL is the same every cycle; values go to its ? in order.
    rampup = { ops = {
      insert = { "INSERT INTO kv(k, v) VALUES (?, ?)", "{seq_id}", "{value}" },
    } },
    main = { ops = {
      read = { "SELECT v FROM kv WHERE k = ?", "{rand_id}", ratio = 9,
               on_result = function(op, rows)
                 return check(rows, op.bindings.expect)
               end },
      -- RETURNING gives a row per updated key: exactly one must exist.
      update = { "UPDATE kv SET v = ? WHERE k = ? RETURNING k", "{expect}",
                 "{rand_id}", ratio = 1,
                 on_result = function(op, rows)
                   if #rows ~= 1 then return mb.fail("verify-missing") end
                 end },
    } },
    verify = { ops = {
      read = { "SELECT v FROM kv WHERE k = ?", "{seq_id}",
               on_result = function(op, rows)
                 return check(rows, op.bindings.value)
               end },
    } },
    -- Nothing lost, nothing extra: as many rows as keys.
    count = { ops = {
      rows = { "SELECT count(*) AS n FROM kv",
               on_result = function(op, rows)
                 if rows[1].n ~= p.keycount then
                   return mb.fail("verify-count")
                 end
               end },
    } },
  },

  scenarios = {
    default = {
      description = "schema, rampup (each key once), main (reads checked, " ..
                    "updates) on 2 threads, verify every key, count rows",
      run = function()
        mb.run { block = "schema", cycles = mb.pin(1), threads = mb.pin(1) }
        mb.run { block = "rampup", cycles = mb.pin(p.keycount) }
        mb.run { block = "main", cycles = p.main_cycles, threads = 2 }
        local v = mb.run { block = "verify", cycles = mb.pin(p.keycount), threads = 2 }
        local c = mb.run { block = "count", cycles = mb.pin(1), threads = mb.pin(1) }
        mb.log(string.format("verify: %d of %d keys read back as written; row count %s",
                             v.ops - v.errors, p.keycount,
                             c.errors == 0 and "= keycount" or "WRONG"))
      end,
    },
  },
}
