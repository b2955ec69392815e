-- moonbench: the Lua side of a workload file.
--
--   local mb = require "moonbench"
--   local b  = mb.bind
--   local p  = mb.params { keycount = 1000, greeting = "hello" }
--
-- The C core loads this module into every Lua state it creates: the
-- controller's, while it reads a workload, and each motor's.
local core = require "moonbench.core"  -- C functions, registered by the core

local mb = {}

-- Bindings: recipes built here, run in C (see moonbench/bind.lua).
mb.bind = require "moonbench.bind"

-- mb.params{defaults}: the defaults overridden by name=value params. A value
-- given as text is converted to the default's type: keycount=1M gives the
-- number 1000000 when the default is a number.
function mb.params(defaults)
  if type(defaults) ~= "table" then
    error("mb.params: expected a table of defaults, got " .. type(defaults), 2)
  end
  local out = {}
  for name, default in pairs(defaults) do
    if type(name) ~= "string" then
      error("mb.params: param names must be strings, got " .. type(name), 2)
    end
    core.declare_param(name, default)
    local given = core.param(name)
    if given == nil then
      out[name] = default
    else
      out[name] = core.convert_param(name, given, default)
    end
  end
  return out
end

-- Return mb.fail("class") from on_result to fail the op under that class.
local Fail = {}
Fail.__index = Fail
Fail.__tostring = function(f) return "mb.fail(" .. f.class .. ")" end

function mb.fail(class)
  if type(class) ~= "string" or class == "" then
    error("mb.fail: expected an error class name, got " .. tostring(class), 2)
  end
  return setmetatable({ class = class }, Fail)
end

function mb.is_fail(v)
  return getmetatable(v) == Fail
end

-- In the controller's state the core also runs scenarios (mb.run, ...).
if core.start then
  require("moonbench.scenario")(mb, core)
else
  -- In a motor, a pinned value is just its value.
  function mb.pin(v) return v end
end

return mb
