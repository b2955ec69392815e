-- The REPL's Lua side (moonbench repl, src/repl.c): the globals a user
-- types at the prompt, how values print, how a line compiles and what
-- Tab offers. It runs in the controller's state, where mb.start, mb.run,
-- a:await() and mb.sleep work as in a scenario: each line runs as the
-- scenario coroutine.
local mb = require "moonbench"

local R = {}
local C          -- the C side: live, watch_keys, key, tty, help_topic, ...
local workload   -- the workload's table, or nil

local keywords = { "and", "break", "do", "else", "elseif", "end", "false",
  "for", "function", "goto", "if", "in", "local", "nil", "not", "or",
  "repeat", "return", "then", "true", "until", "while" }

-- Pretty-printing --------------------------------------------------------

local MAX_DEPTH = 4
local MAX_ITEMS = 200

local function is_activity(v)
  return type(v) == "table" and type(rawget(v, "handle")) == "userdata" and
    getmetatable(v) ~= nil
end

local function key_less(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then
    if ta == "number" then return true end
    if tb == "number" then return false end
    return ta < tb
  end
  if ta == "number" or ta == "string" then return a < b end
  return tostring(a) < tostring(b)
end

local function key_text(k)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") then return k end
  if type(k) == "string" then return string.format("[%q]", k) end
  return "[" .. tostring(k) .. "]"
end

local format

local function scalar(v)
  local t = type(v)
  if t == "string" then return string.format("%q", v) end
  if t == "number" then
    if v == math.floor(v) and math.abs(v) < 1e15 then
      return string.format("%d", v)
    end
    return string.format("%.6g", v)
  end
  if is_activity(v) then
    return "activity " .. tostring(v.name) .. " (" .. tostring(v.state) ..
      ")"
  end
  local mt = getmetatable(v)
  if t == "table" and type(mt) == "table" and mt.__tostring then
    return tostring(v)
  end
  if t ~= "table" then return tostring(v) end
  return nil
end

-- A table: sorted keys, nested up to MAX_DEPTH, on one line when short.
format = function(v, indent, depth, seen)
  local s = scalar(v)
  if s then return s end
  if seen[v] then return "{ <cycle> }" end
  if depth >= MAX_DEPTH then return "{ ... }" end
  seen[v] = true
  local keys, n = {}, #v
  for k in pairs(v) do
    if not (type(k) == "number" and k >= 1 and k <= n and k == math.floor(k))
    then keys[#keys + 1] = k end
  end
  table.sort(keys, key_less)
  local items = {}
  for i = 1, n do
    if #items >= MAX_ITEMS then break end
    items[#items + 1] = format(v[i], indent .. "  ", depth + 1, seen)
  end
  for _, k in ipairs(keys) do
    if #items >= MAX_ITEMS then items[#items + 1] = "..."; break end
    items[#items + 1] = key_text(k) .. " = " ..
      format(v[k], indent .. "  ", depth + 1, seen)
  end
  seen[v] = nil
  if #items == 0 then return "{}" end
  local one = "{ " .. table.concat(items, ", ") .. " }"
  if #one + #indent <= 78 and not one:find("\n") then return one end
  return "{\n" .. indent .. "  " .. table.concat(items, ",\n" .. indent ..
    "  ") .. "\n" .. indent .. "}"
end

function R.format(v)
  return format(v, "", 0, {})
end

-- What a line returned, on stdout.
function R.show(...)
  local parts = {}
  for i = 1, select("#", ...) do
    parts[i] = R.format((select(i, ...)))
  end
  io.stdout:write(table.concat(parts, "\t"), "\n")
  io.stdout:flush()
end

-- A line: an expression prints its value ("return " .. line first, as
-- the Lua REPL does), else a statement. -> function, or nil, message,
-- incomplete (the statement goes on on the next line).
function R.compile(text)
  local fn = loadstring("return " .. text, "=stdin")
  if fn then return fn end
  local err
  fn, err = loadstring(text, "=stdin")
  if fn then return fn end
  return nil, err, err:sub(-7) == "'<eof>'"
end

-- status() and watch() ----------------------------------------------------

local function pct(l)
  if not l.cycles or l.cycles == 0 then return "-" end
  return string.format("%d%%", math.floor(100 * l.ops / l.cycles))
end

local function lat(v)
  return v and C.duration(v) or "-"
end

local function row(l)
  local progress = pct(l)
  if l.cycles then
    progress = progress .. " " .. C.count(l.ops) .. "/" .. C.count(l.cycles)
  else
    progress = progress .. " " .. C.count(l.ops)
  end
  return { l.name, l.state, progress, C.count(l.rate), lat(l.p50),
           lat(l.p99), C.count(l.errors) }
end

local Status = {}
Status.__index = Status
Status.__tostring = function(list)
  if #list == 0 then return "(no activities; start one: a = start{...})" end
  local rows = { { "name", "state", "progress", "op/s", "p50", "p99",
                   "errors" } }
  for _, l in ipairs(list) do rows[#rows + 1] = row(l) end
  local width = {}
  for _, r in ipairs(rows) do
    for i, c in ipairs(r) do width[i] = math.max(width[i] or 0, #c) end
  end
  local lines = {}
  for _, r in ipairs(rows) do
    local cells = {}
    for i, c in ipairs(r) do
      -- Names and states to the left, numbers to the right.
      local fmt = i <= 3 and "%-" .. width[i] .. "s" or "%" .. width[i] .. "s"
      cells[i] = string.format(fmt, c)
    end
    lines[#lines + 1] = (table.concat(cells, "  "):gsub("%s+$", ""))
  end
  return table.concat(lines, "\n")
end

-- The activities, or those given: name, state, ops of cycles, op/s and
-- p50/p99 (seconds) of the last second, errors.
local function status(...)
  local list = select("#", ...) > 0 and { ... } or mb.activities()
  local out = setmetatable({}, Status)
  for i, a in ipairs(list) do
    if not is_activity(a) then
      error("status: expected activities, got " .. type(a), 2)
    end
    out[i] = C.live(rawget(a, "handle"))
  end
  return out
end

local ended = { stopped = true, finished = true, errored = true }

-- The newest activity still running, else the newest.
local function latest()
  local list = mb.activities()
  for i = #list, 1, -1 do
    if not ended[list[i].state] then return list[i] end
  end
  return list[#list]
end

local function check(a, what)
  a = a or latest()
  if not is_activity(a) then
    error(what .. ": expected an activity (a = start{...})", 3)
  end
  return a
end

local function one_line(a)
  local l = C.live(rawget(a, "handle"))
  local r = row(l)
  return string.format("%s  %s  %s  %s op/s  p50 %s  p99 %s  err %s",
                       r[1], r[2], r[3], r[4], r[5], r[6], r[7])
end

-- A line that refreshes every second until a key is pressed (or the
-- activity ends); without a terminal, `lines` lines (3), then it returns.
local function watch(a, lines)
  a = check(a, "watch")
  local keys = C.watch_keys(true)
  local ok, err = pcall(function()
    local shown = 0
    while true do
      if keys then
        io.stdout:write("\r\027[K", one_line(a))
      else
        io.stdout:write(one_line(a), "\n")
      end
      io.stdout:flush()
      shown = shown + 1
      if ended[a.state] then break end
      if not keys and shown >= (lines or 3) then break end
      -- A tenth of a second at a time, so a key ends it at once.
      for _ = 1, 10 do
        if keys and C.key() then return end
        mb.sleep(0.1)
      end
    end
  end)
  C.watch_keys(false)
  if keys then io.stdout:write("\n") end
  if not ok then error(err, 0) end
end

-- help --------------------------------------------------------------------

local help_text = [[
A Lua prompt in moonbench's controller: activities run while you type.

  a = start{ driver = "diag", rate = 1000, async = 8 }   start one (mb.start)
  a = start{ block = "main" }          a block of the workload
  a.rate = 5000  a.threads = 4  a.async = 128            change it, live
  status()                  every activity: state, progress, op/s, p50, p99
  watch(a)                  a line refreshing each second, until a key
  metrics(a)                a:metrics(): ops, errors, rate, p50 .. max
  stop(a)                   stop it (ops in flight drain)
  a:await()                 wait for its end (Ctrl-C stops the wait only)
  run_scenario("default")   a scenario of the workload, here
  mb.run{...}  mb.sleep("2s")  mb.log(...)   the whole scenario API
  workload                  the workload's table (blocks, scenarios)
  help("topic")             status, watch, start, keys; params, bindings,
                            or a driver (diag, stdout, redis, ...)

Expressions print their value. Tab completes names, fields and params; the
history is in ~/.moonbench_history. Ctrl-D stops everything and exits.]]

local topics = {
  status = [[
status() -> a list of { name, state, ops, cycles, rate, p50, p99, errors,
threads, async, target, driver }, printed as a table. rate (op/s), p50 and
p99 (seconds) are those of the last second while an activity runs, over
its whole run once it ended. status(a, b) shows only those.]],
  watch = [[
watch(a) prints a's progress on one line each second until a key is
pressed or it ends; Ctrl-C ends it too. Without a terminal it prints
watch(a, n) n lines (3) and returns. Without a, the newest activity.]],
  start = [[
start{ name = value, ... } starts an activity and returns it at once; the
params are those of moonbench run (help("params"), help("diag")), and
block = NAME picks a block of the workload. a.rate, a.threads and a.async
change it live (a rate change needs rate= at the start). stop(a) ends it;
a:await() waits for it; mb.run{...} does both.]],
  keys = [[
Tab completes globals, fields after . or :, and params inside start{...}.
Up and Down walk the history. Ctrl-C ends a wait (mb.sleep, a:await(),
mb.run, watch) with the error "interrupted", or drops the typed line; the
activities go on. Ctrl-D on an empty line stops every activity, prints
their summaries and exits.]],
}

local function help(topic)
  if topic == nil then
    io.stdout:write(help_text, "\n")
  elseif topics[topic] then
    io.stdout:write(topics[topic], "\n")
  else
    local ok, err = C.help_topic(tostring(topic))
    if not ok then
      error((err:gsub("^%-%-help: ", "help: ")) ..
            "; or status, watch, start, keys", 2)
    end
  end
  io.stdout:flush()
end

-- Completion -------------------------------------------------------------

local function fields(v, methods_only, out, seen)
  seen = seen or {}
  if seen[v] then return end
  seen[v] = true
  if type(v) == "table" then
    for k, x in pairs(v) do
      if type(k) == "string" and (not methods_only or type(x) == "function")
      then out[k] = x end
    end
  end
  local mt = getmetatable(v)
  if type(mt) == "table" and type(mt.__index) == "table" then
    fields(mt.__index, methods_only, out, seen)
  end
end

local activity_fields = { rate = 0, threads = 0, async = 0, name = "",
                          state = "" }
local activity_methods = { await = print, stop = print, metrics = print }

-- The REPL's own commands, the most typed first: when every candidate of a
-- Tab is one of them, the first wins (sta<Tab> is status(, not a list of
-- start( and status(); star<Tab> still reaches start().
local command_rank = { status = 1, watch = 2, metrics = 3, stop = 4,
                       start = 5, run_scenario = 6, help = 7 }

local function prefer_command(out)
  if #out < 2 then return out end
  local best, best_rank
  for _, o in ipairs(out) do
    local rank = command_rank[o:match("^([%w_]+)%($") or ""]
    if rank == nil then return out end
    if best_rank == nil or rank < best_rank then best, best_rank = o, rank end
  end
  return { best }
end

-- Candidates for the word being completed (the Tab key): text is the
-- word, line the whole line, start where the word begins (0-based).
function R.complete(text, line, start)
  local out, cands = {}, {}
  local path, sep, part = text:match("^(.*)([%.:])([%w_]*)$")
  if path then
    local v = _G
    for name in path:gmatch("[^%.:]+") do
      if type(v) ~= "table" and type(v) ~= "string" then return out end
      local ok, x = pcall(function() return v[name] end)
      if not ok then return out end
      v = x
    end
    if is_activity(v) then
      fields(sep == ":" and activity_methods or activity_fields, false, cands)
    elseif type(v) == "string" then
      fields(string, true, cands)
    else
      fields(v, sep == ":", cands)
    end
    for k, x in pairs(cands) do
      if k:sub(1, #part) == part then
        out[#out + 1] = path .. sep .. k .. (type(x) == "function" and "(" or "")
      end
    end
  else
    fields(_G, false, cands)
    for _, k in ipairs(keywords) do cands[k] = cands[k] or true end
    -- Inside start{ ... } or mb.run{ ... }: the params too.
    local before = line:sub(1, start)
    if before:find("{[^}]*$") then
      for _, p in ipairs(C.params()) do cands[p] = cands[p] or "param" end
    end
    for k, x in pairs(cands) do
      if k:sub(1, #text) == text then
        local tail = type(x) == "function" and "(" or
          (x == "param" and " = " or "")
        out[#out + 1] = k .. tail
      end
    end
  end
  table.sort(out)
  return prefer_command(out)
end

-- The globals ---------------------------------------------------------------

local function run_scenario(name)
  name = name or "default"
  if type(workload) ~= "table" then
    error("run_scenario: no workload (moonbench repl FILE.lua)", 2)
  end
  local sc = workload.scenarios
  if sc == nil and name == "default" then
    return mb.run {}     -- a workload without scenarios: its main block
  end
  local fn = type(sc) == "table" and sc[name]
  if type(fn) == "table" then fn = fn.run end
  if type(fn) ~= "function" then
    local names = {}
    for k in pairs(type(sc) == "table" and sc or {}) do
      names[#names + 1] = tostring(k)
    end
    table.sort(names)
    error("run_scenario: no scenario '" .. tostring(name) .. "'; the " ..
          "scenarios are " .. (#names > 0 and table.concat(names, ", ") or
          "(none)"), 2)
  end
  return fn()
end

function R.init(w, c, file)
  C = c
  workload = w
  _G.mb = mb
  _G.workload = w
  _G.start = mb.start
  -- stop(a), or stop() for every activity
  _G.stop = function(a)
    if a == nil then
      for _, x in ipairs(mb.activities()) do x:stop() end
      return
    end
    check(a, "stop"):stop()
  end
  _G.metrics = function(a)
    return check(a, "metrics"):metrics()
  end
  _G.status = status
  _G.watch = watch
  _G.run_scenario = run_scenario
  _G.help = help
end

return R
