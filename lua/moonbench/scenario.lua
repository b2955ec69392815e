-- The scenario API, in the controller's Lua state only:
--
--   mb.run{ block = "rampup", cycles = "1M", threads = mb.pin(1) } -> metrics
--   local a = mb.start{ ... }; a.threads = 4; a.async = 64; a:await()
--   a:stop(); a:metrics(); mb.sleep("5s"); mb.log("text")
--
-- A scenario runs as a coroutine: mb.run, a:await() and mb.sleep yield to
-- the control loop, which resumes the scenario when what it waits for has
-- happened; meanwhile progress prints and signals are served.
return function(mb, core)
  local Pin = {}

  -- mb.pin(v): a value the command line cannot change for this step.
  function mb.pin(v)
    return setmetatable({ value = v }, Pin)
  end

  local Activity = {}
  local methods = {}
  local started = {}   -- every activity, oldest first (mb.activities)

  -- Yield to the control loop; it resumes with a reason when the wait was
  -- cut short (Ctrl-C in the REPL), which becomes an error here.
  local function wait(...)
    local why = coroutine.yield(...)
    if why ~= nil then error(why, 0) end
  end

  Activity.__index = function(a, k)
    if methods[k] then return methods[k] end
    return core.get(rawget(a, "handle"), k)
  end

  -- A refused change points at the scenario's line, not at this file.
  local function set(fn, a, what, v)
    if type(v) ~= "number" then
      error("a." .. what .. ": expected a number, got " .. type(v), 3)
    end
    local ok, err = pcall(fn, rawget(a, "handle"), v)
    if not ok then error(err, 3) end
  end

  Activity.__newindex = function(a, k, v)
    if k == "threads" then
      set(core.set_threads, a, "threads", v)
    elseif k == "async" then
      set(core.set_async, a, "async", v)
    elseif k == "rate" then
      set(core.set_rate, a, "rate", v)
    else
      error("activity." .. tostring(k) .. " cannot be set (threads and " ..
            "async can)", 2)
    end
  end

  -- Wait until the activity ends; its metrics, or an error if it errored.
  function methods:await()
    local h = rawget(self, "handle")
    if not core.ended(h) then wait("await", h) end
    local m = core.metrics(h)
    if m.state == "errored" then
      error("activity '" .. m.name .. "' errored: " .. tostring(m.cause), 2)
    end
    -- thresholds = {...} of mb.run/mb.start: checked once, at its end.
    local th = rawget(self, "thresholds")
    if th then
      rawset(self, "thresholds", nil)
      local ok, failed = pcall(core.thresholds, h, th)
      if not ok then error(failed, 2) end
      m.thresholds_failed = failed
    end
    return m
  end

  function methods:stop()
    core.stop(rawget(self, "handle"))
  end

  -- A snapshot so far: ops, errors, rate, elapsed, state (and, once it
  -- has ended, its service-time percentiles).
  function methods:metrics()
    return core.metrics(rawget(self, "handle"))
  end

  -- thresholds = { p99 = "10ms", errors = "0.1%", rate = ">=9000" } as
  -- the bounds core.thresholds reads ("p99=10ms", "rate>=9000"); a bare
  -- value is at most for latencies and errors, at least for rates.
  local function bounds(t, level)
    if type(t) ~= "table" then
      error("thresholds: expected a table like { p99 = \"10ms\" }, got " ..
            type(t), level + 1)
    end
    local out = {}
    for k, v in pairs(t) do
      if type(k) == "number" then
        out[#out + 1] = tostring(v)           -- { "p99<10ms", ... }
      else
        if type(v) == "number" and (k:match("^p%d") or k == "max" or
                                    k == "mean") then
          v = string.format("%.6gms", v * 1000) -- seconds, as in Lua
        end
        v = tostring(v)
        out[#out + 1] = k .. (v:match("^[<>=]") and "" or "=") .. v
      end
    end
    table.sort(out)
    return out
  end

  -- level: where a refusal points (the scenario's line calling mb.start
  -- or mb.run), not at this file.
  local function start(t, level)
    if t ~= nil and type(t) ~= "table" then
      error("mb.start: expected a table of params, got " .. type(t), level)
    end
    local values, pinned, th = {}, {}, nil
    for k, v in pairs(t or {}) do
      if k == "thresholds" then
        th = bounds(v, level)
        v = nil
      elseif getmetatable(v) == Pin then
        pinned[k] = true
        v = v.value
      end
      if v ~= nil then values[k] = v end
    end
    local ok, h = pcall(core.start, values, pinned)
    if not ok then error(h, level) end
    local a = setmetatable({ handle = h, thresholds = th }, Activity)
    started[#started + 1] = a
    return a
  end

  -- The activities started so far, oldest first (ended ones too).
  function mb.activities()
    local list = {}
    for i, a in ipairs(started) do list[i] = a end
    return list
  end

  function mb.start(t)
    return (start(t, 3))
  end

  function mb.run(t)
    local a = start(t, 3)
    return a:await()
  end

  -- mb.sleep("5s") or mb.sleep(0.5) (seconds)
  function mb.sleep(d)
    local ok, secs = pcall(core.duration, d)
    if not ok then error(secs, 2) end
    wait("sleep", secs)
  end

  function mb.log(...)
    local parts = {}
    for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
    core.log(table.concat(parts, " "))
  end
end
