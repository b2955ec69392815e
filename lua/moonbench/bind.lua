-- Binding recipes: each is a list of steps the C core runs per cycle with
-- no call into Lua. A recipe starts from the cycle (or from another
-- binding's value with b.ref) and applies its steps in order:
--
--   b.hash():mod(1e6)          a key spread over 0..999999
--   b.mod(1000)                the cycle modulo 1000
--   b.ref("id"):hash()         derived from the binding id's value
local b = {}

local Recipe = {}
Recipe.__index = Recipe

local function recipe(first)
  return setmetatable({ steps = { first } }, Recipe)
end

local function with(r, step)
  local steps = {}
  for i, s in ipairs(r.steps) do steps[i] = s end
  steps[#steps + 1] = step
  return setmetatable({ steps = steps }, Recipe)
end

local function integer(fname, v)
  if type(v) ~= "number" or v ~= v or v % 1 ~= 0 then
    error(fname .. ": expected a whole number, got " .. tostring(v), 3)
  end
  return v
end

-- Steps that take an integer argument.
for _, name in ipairs { "mod", "add", "mul", "div" } do
  Recipe[name] = function(self, n)
    return with(self, { name, integer(name, n) })
  end
  b[name] = function(n)
    return with(recipe({ "identity" }), { name, integer(name, n) })
  end
end

function Recipe:hash()
  return with(self, { "hash" })
end

function Recipe:identity()
  return self
end

function b.identity()
  return recipe({ "identity" })
end

function b.hash()
  return recipe({ "identity" }):hash()
end

function b.ref(name)
  if type(name) ~= "string" then
    error("ref: expected a binding name, got " .. tostring(name), 2)
  end
  return recipe({ "ref", name })
end

function b.is_recipe(v)
  return getmetatable(v) == Recipe
end

return b
