-- Binding recipes: how a value is made from a cycle, built here and run in
-- C with no call into Lua per value (except b.fn). A recipe starts from the
-- cycle (or another binding with b.ref, a constant with b.fixed, a Lua
-- function with b.fn, text with b.template) and applies steps in order:
--
--   b.hash():mod(1e6)               a key spread over 0..999999
--   b.ref("key"):hash():alnum(64)   a value derived from the key
--   b.uniform(0, 1)                 a double drawn per cycle
--   b.template("user-{}-{}", b.mod(10), b.hash():alnum(4))
--
-- moonbench --help bindings lists every step with its arguments. Arguments
-- are checked when the workload loads, with the binding's name.
local b = {}

local Recipe = {}
Recipe.__index = Recipe

local function with(steps, step)
  local out = {}
  for i, s in ipairs(steps) do out[i] = s end
  out[#out + 1] = step
  return setmetatable({ steps = out }, Recipe)
end

-- Every step is a method (chained) and a function (starting from the
-- cycle): b.mod(10) is b.identity():mod(10).
local steps = {
  "identity", "hash", "mod", "add", "mul", "div", "clamp", "range",
  "uniform", "normal", "exponential", "zipf", "weighted", "int",
  "tostring", "format", "alnum", "printable", "words", "uuid", "epoch",
  "date", "line",
}
for _, name in ipairs(steps) do
  Recipe[name] = function(self, ...)
    return with(self.steps, { name, n = select("#", ...) + 1, ... })
  end
  b[name] = function(...)
    return with({}, { name, n = select("#", ...) + 1, ... })
  end
end

-- Starters: where the value comes from instead of the cycle.
function b.ref(name)
  return with({}, { "ref", name, n = 2 })
end

function b.fixed(value)
  return with({}, { "fixed", value, n = 2 })
end

function b.fn(f)
  return with({}, { "fn", f, n = 2 })
end

-- template(text, r1, r2, ...): each {} in text is the next recipe's value
-- (a constant stands for itself).
function b.template(text, ...)
  local args = { "template", text, n = select("#", ...) + 2 }
  for i = 1, select("#", ...) do
    local r = select(i, ...)
    if getmetatable(r) ~= Recipe then r = b.fixed(r) end
    args[i + 2] = r
  end
  return with({}, args)
end

function b.is_recipe(v)
  return getmetatable(v) == Recipe
end

return b
