-- Key-value reads and updates on PostgreSQL, every value checked.
--
--   moonbench scenarios/kv-pg.lua                         (its default scenario)
--   moonbench scenarios/kv-pg.lua host=127.0.0.1 port=5433 user=bench dbname=bench
--   moonbench scenarios/kv-pg.lua keycount=1M main_cycles=5M main_rate=20000
--   moonbench run workload=scenarios/kv-pg.lua block=main cycles=1M async=32
--
-- The schema step DROPS and creates the table kv (k bigint primary key,
-- v text): point it at a database where that is fine. Rampup writes key i
-- at cycle i, each key once (INSERT, so a key written twice fails as
-- pg-23505, a unique violation). A value is a function of its key
-- (b.ref), so main and verify check every value they read from the key
-- alone, and main's updates write the value the key already has. A value
-- that is not what its key says fails its op as verify-mismatch
-- (verify-missing when the key is gone); the first few are shown with
-- their cycle. Empty host, port, user, password or dbname leave libpq's
-- defaults (PGHOST, PGPORT ..., the local socket).
local mb = require "moonbench"
local b  = mb.bind

local p = mb.params { keycount = 25000, main_cycles = 150000, main_rate = 0,
                      host = "", port = "", user = "", password = "",
                      dbname = "" }

-- Shown per motor before going quiet: the counts tell the rest.
local shown, show_max = 0, 5

local function check(op, rows, want, key)
  local row = rows[1]
  local got = row and row.v
  if got == want then return end
  local class = got == nil and "verify-missing" or "verify-mismatch"
  if shown < show_max then
    shown = shown + 1
    io.stderr:write(string.format(
      "kv-pg: %s at cycle %s: key %s holds %s, expected %q\n", class,
      (tostring(op.cycle):gsub("LL$", "")), key,
      got == nil and "nothing" or string.format("%q", got), want))
  end
  return mb.fail(class)
end

local schema_ops = {
  { name = "drop",   "DROP TABLE IF EXISTS kv" },
  { name = "create", "CREATE TABLE kv (k bigint PRIMARY KEY, v text NOT NULL)" },
}

return {
  description = "PostgreSQL key-value: schema, rampup, reads checked and " ..
                "updates, verify",
  driver = "pg",

  bindings = {
    seq_id  = b.mod(p.keycount),                 -- rampup, verify: key i at cycle i
    rand_id = b.hash():mod(p.keycount),          -- main: keys spread over the space
    value   = b.ref("seq_id"):hash():alnum(64),  -- a value is a function of its key
    expect  = b.ref("rand_id"):hash():alnum(64), -- ... the same function
  },

  blocks = {
    schema = { ops = schema_ops },
    -- The SQL is the same every cycle; values go to $1, $2 in order.
    rampup = { ops = {
      insert = { "INSERT INTO kv(k, v) VALUES ($1, $2)", "{seq_id}", "{value}" },
    } },
    main = { ops = {
      read = { "SELECT v FROM kv WHERE k = $1", "{rand_id}", ratio = 9,
               on_result = function(op, rows)
                 return check(op, rows, op.bindings.expect, op.bindings.rand_id)
               end },
      -- The key must exist: exactly one row updated.
      update = { "UPDATE kv SET v = $1 WHERE k = $2", "{expect}", "{rand_id}",
                 ratio = 1,
                 on_result = function(op, rows)
                   if rows.affected ~= 1 then return mb.fail("verify-missing") end
                 end },
    } },
    verify = { ops = {
      read = { "SELECT v FROM kv WHERE k = $1", "{seq_id}",
               on_result = function(op, rows)
                 return check(op, rows, op.bindings.value, op.bindings.seq_id)
               end },
    } },
    -- Nothing lost, nothing extra: as many rows as keys.
    count = { ops = {
      rows = { "SELECT count(*) AS n FROM kv",
               on_result = function(op, rows)
                 if rows[1].n ~= p.keycount then
                   io.stderr:write(string.format(
                     "kv-pg: kv holds %s rows, expected %d\n",
                     tostring(rows[1].n), p.keycount))
                   return mb.fail("verify-count")
                 end
               end },
    } },
  },

  scenarios = {
    default = {
      description = "schema (kv dropped and created), rampup (each key " ..
                    "once), main (9 checked reads to 1 update), verify " ..
                    "every key, count rows",
      run = function()
        local conn = { host = p.host, port = p.port, user = p.user,
                       password = p.password, dbname = p.dbname }
        local function step(t)
          for k, v in pairs(conn) do t[k] = v end
          return mb.run(t)
        end
        step { block = "schema", cycles = mb.pin(#schema_ops),
               threads = mb.pin(1), async = mb.pin(1) }
        step { block = "rampup", cycles = mb.pin(p.keycount), threads = 2,
               async = 16 }
        step { block = "main", cycles = p.main_cycles, rate = p.main_rate,
               threads = 2, async = 16 }
        local v = step { block = "verify", cycles = mb.pin(p.keycount),
                         threads = 2, async = 16 }
        local c = step { block = "count", cycles = mb.pin(1),
                         threads = mb.pin(1), async = mb.pin(1) }
        mb.log(string.format("verify: %d of %d keys read back as written; row count %s",
                             v.ops - v.errors, p.keycount,
                             c.errors == 0 and "= keycount" or "WRONG"))
      end,
    },
  },
}
