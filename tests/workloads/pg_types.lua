-- Results as on_result sees them, from the pg driver (tests/pg.sh runs
-- one pass, async=1: one connection, the ops in order). A wrong value
-- fails its op with a class that names it.
local mb = require "moonbench"
local b  = mb.bind

local function want(cond, class)
  if not cond then return mb.fail(class) end
end

return {
  driver = "pg",
  bindings = { id = b.mod(1000) },
  blocks = { main = { ops = {
    { name = "ints", "SELECT 1::int2 AS a, 2::int4 AS b, 3::int8 AS c, " ..
      "9007199254740993::int8 AS big, -7::int8 AS neg",
      on_result = function(op, rows)
        local r = rows[1]
        return want(#rows == 1 and r.a == 1 and r.b == 2 and r.c == 3 and
                    type(r.big) == "cdata" and r.big == 9007199254740993LL and
                    r.neg == -7 and rows.affected == 1, "wrong-ints")
      end },
    { name = "others", "SELECT true AS t, false AS f, 1.5::float8 AS x, " ..
      "1.25::numeric AS n, 'h\195\169llo'::text AS s, NULL::int AS z, " ..
      "'2024-01-02'::date AS d",
      on_result = function(op, rows)
        local r = rows[1]
        return want(r.t == true and r.f == false and r.x == 1.5 and
                    r.n == "1.25" and r.s == "h\195\169llo" and r.z == nil and
                    r.d == "2024-01-02", "wrong-others")
      end },
    -- A value is text; the statement gives it its type ($1 is an int).
    { name = "param", "SELECT $1::int + 1 AS v, $2 AS s", "{id}", "a b",
      on_result = function(op, rows)
        return want(rows[1].v == tonumber(op.cycle) + 1 and rows[1].s == "a b",
                    "wrong-param")
      end },
    { name = "create", "CREATE TEMP TABLE t (x int)" },
    -- Prepared at its first use, after the table exists.
    { name = "insert", "INSERT INTO t SELECT generate_series(1, 5)",
      on_result = function(op, rows)
        return want(#rows == 0 and rows.affected == 5, "wrong-insert")
      end },
    { name = "update", "UPDATE t SET x = x WHERE x > 2 RETURNING x",
      on_result = function(op, rows)
        return want(#rows == 3 and rows.affected == 3 and rows[3].x == 5,
                    "wrong-update")
      end },
    { name = "empty", "SELECT 1 AS one WHERE false",
      on_result = function(op, rows)
        return want(#rows == 0 and rows.affected == 0, "wrong-empty")
      end },
  } } },
}
