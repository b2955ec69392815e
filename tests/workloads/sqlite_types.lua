-- The sqlite driver's values, both ways, for tests/sqlite.sh:
--   binds  how rendered values bind: plain decimal int64s as integers,
--          anything else as text (SQLite's typeof() says which)
--   rows   what on_result gets: types of the values, NULL, column names
-- and ops that can never run (bad SQL, counts, placeholders in SQL).
local mb = require "moonbench"
local b  = mb.bind

-- Each case: a value, and the type SQLite must see.
local cases = {
  { "0", "integer" }, { "42", "integer" }, { "-7", "integer" },
  { "9223372036854775807", "integer" }, { "-9223372036854775808", "integer" },
  { "9223372036854775808", "text" }, { "-9223372036854775809", "text" },
  { "007", "text" }, { "-0", "text" }, { "+1", "text" }, { "1.5", "text" },
  { "", "text" }, { "-", "text" }, { " 1", "text" }, { "1e3", "text" },
  { "12345678901234567890", "text" },
}

local function case_of(op) return cases[tonumber(op.cycle) % #cases + 1] end

return {
  driver = "sqlite",
  bindings = {
    value = b.fn(function(cycle)
      return cases[tonumber(cycle) % #cases + 1][1]
    end),
  },
  blocks = {
    binds = { ops = {
      typeof = { "SELECT typeof(?1) AS t, ?1 AS v", "{value}",
        on_result = function(op, rows)
          local c = case_of(op)
          local row = rows[1]
          if row.t ~= c[2] then return mb.fail("type-" .. c[2]) end
          if tostring(row.v):gsub("LL$", "") ~= c[1] then
            return mb.fail("value-changed")
          end
        end },
    } },
    rows = { ops = {
      values = {
        "SELECT 42 AS small, 9007199254740993 AS big, -9007199254740992 AS edge, " ..
        "1.5 AS real, 'x' AS text, x'00ff' AS blob, NULL AS absent",
        on_result = function(op, rows)
          local r = rows[1]
          if #rows ~= 1 then return mb.fail("rows-count") end
          if type(r.small) ~= "number" or r.small ~= 42 then return mb.fail("rows-small") end
          if type(r.big) ~= "cdata" or tostring(r.big) ~= "9007199254740993LL" then
            return mb.fail("rows-big")
          end
          if type(r.edge) ~= "number" or r.edge ~= -9007199254740992 then
            return mb.fail("rows-edge")
          end
          if r.real ~= 1.5 or r.text ~= "x" then return mb.fail("rows-real-text") end
          if r.blob ~= "\0\255" then return mb.fail("rows-blob") end
          if r.absent ~= nil then return mb.fail("rows-null") end
        end },
      series = {
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 100) " ..
        "SELECT i, 'row' || i AS name FROM s",
        on_result = function(op, rows)
          if #rows ~= 100 then return mb.fail("series-count") end
          for i, r in ipairs(rows) do
            if r.i ~= i or r.name ~= "row" .. i then return mb.fail("series-row") end
          end
        end },
      none = { "SELECT 1 WHERE 0",
        on_result = function(op, rows)
          if type(rows) ~= "table" or #rows ~= 0 then return mb.fail("none") end
        end },
    } },
    bad_sql = { ops = { oops = { "SELEC v FROM kv WHERE k = ?", "{value}" } } },
    no_table = { ops = { read = { "SELECT v FROM missing_table WHERE k = ?", "{value}" } } },
    nparams = { ops = { short = { "SELECT ?, ?", "{value}" } } },
    placeholder = { ops = { templated = { "SELECT {value}" } } },
    two = { ops = { both = { "SELECT 1; SELECT 2" } } },
    -- make, dup, make, dup: the second insert breaks the key.
    constraint = { ops = {
      { name = "make", "CREATE TABLE IF NOT EXISTS u (k INTEGER PRIMARY KEY)" },
      { name = "dup", "INSERT INTO u(k) VALUES (1)" },
    } },
  },
}
