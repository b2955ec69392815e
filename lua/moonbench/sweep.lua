-- moonbench.sweep: parameter sweeps, in scenarios and the REPL.
--
--   local sweep = require "moonbench.sweep"
--   local r = sweep.findmax{ block = "main", async = 64,
--                            slo = { p99 = "5ms", errors = 0.001 } }
--   -- r.rate: the highest rate whose windows met the SLO; r.steps: rows
--   sweep.stepup{ from = 1000, to = 20000, step = 1000, hold = "10s" }
--   sweep.grid{ params = { threads = {1, 2, 4}, async = {16, 64} },
--               run = { cycles = "100K" } }
--
-- findmax and stepup run one activity and change its rate live; each
-- rate starts on a fresh schedule (ops behind the last one are forgiven)
-- and is measured over windows of the activity's intervals. grid runs a
-- whole activity per point. Every row holds the params, the achieved
-- rate, p50 p90 p99 p99.9 response time (service time without a rate),
-- errors and the client's CPU per op. Results print as a table on stderr
-- and, with --report-dir, land in sweep-NAME.csv and .json and in
-- report.html.
local mb = require "moonbench"
local core = require "moonbench.core"

local M = {}

-- The options of each sweep; every other key is an activity param.
local OPTIONS = {
  findmax = { slo = true, from = true, to = true, factor = true,
              precision = true, budget = true, window = true,
              settle = true, samples = true, fraction = true, name = true,
              p50 = true, p90 = true, p95 = true, p99 = true, p999 = true,
              p9999 = true, max = true, mean = true },
  stepup = { from = true, to = true, step = true, hold = true,
             settle = true, name = true },
  grid = { params = true, run = true, name = true },
}
local LATENCIES = { "p50", "p90", "p95", "p99", "p999", "p9999", "max",
                    "mean" }

local function secs(v, what)
  if type(v) == "number" then return v end
  local ok, s = pcall(core.duration, v)
  if not ok then error(what .. ": " .. tostring(s), 0) end
  return s
end

local function count(v, what)
  if type(v) == "number" then return v end
  local ok, n = pcall(core.convert_param, what, tostring(v), 0)
  if not ok then error(tostring(n), 0) end
  return n
end

-- 0.001 or "0.1%"
local function fraction(v, what)
  if type(v) == "number" then return v end
  local n = tonumber((tostring(v):gsub("%%$", "")))
  if n == nil then
    error(what .. ": expected a fraction like 0.001 or 0.1%, got '" ..
          tostring(v) .. "'", 0)
  end
  return tostring(v):sub(-1) == "%" and n / 100 or n
end

-- The sweep's options apart from the activity's params.
local function split(kind, t)
  if type(t) ~= "table" then
    error("sweep." .. kind .. ": expected a table, got " .. type(t), 3)
  end
  local o, params = {}, {}
  for k, v in pairs(t) do
    if OPTIONS[kind][k] then o[k] = v else params[k] = v end
  end
  return o, params
end

-- ------------------------------------------------------------------
-- Rows, tables and files.

local function ms(v) return v and v * 1000 or nil end

-- A row from a window (or an ended activity's stats) and CPU seconds.
local function row(params, asked, w, cpu)
  return {
    params = params, asked_rate = asked, rate = w.rate, ops = w.ops,
    errors = w.errors,
    error_ratio = w.ops > 0 and w.errors / w.ops or 0,
    p50_ms = ms(w.p50), p90_ms = ms(w.p90), p99_ms = ms(w.p99),
    p999_ms = ms(w.p999), max_ms = ms(w.max),
    cpu_per_op_us = w.ops > 0 and cpu / w.ops * 1e6 or nil,
  }
end

local function json(v)
  local t = type(v)
  if t == "number" then
    if v ~= v or v == math.huge or v == -math.huge then return "null" end
    if v == math.floor(v) and math.abs(v) < 1e15 then
      return string.format("%d", v)
    end
    return string.format("%.6g", v)
  elseif t == "string" then
    return '"' .. v:gsub('[%c"\\]', function(c)
      return string.format("\\u%04x", c:byte())
    end) .. '"'
  elseif t == "boolean" then
    return tostring(v)
  elseif t == "table" then
    if #v > 0 then
      local parts = {}
      for i, x in ipairs(v) do parts[i] = json(x) end
      return "[" .. table.concat(parts, ", ") .. "]"
    end
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = tostring(k) end
    table.sort(keys)
    local parts = {}
    for _, k in ipairs(keys) do
      parts[#parts + 1] = json(k) .. ": " .. json(v[k])
    end
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  return "null"
end

local COLUMNS = { "asked_rate", "rate", "ops", "errors", "error_ratio",
                  "p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms",
                  "cpu_per_op_us", "verdict" }

local function csv_value(v)
  if v == nil then return "" end
  if type(v) == "number" then
    if v == math.floor(v) and math.abs(v) < 1e15 then
      return string.format("%d", v)
    end
    return string.format("%.6g", v)
  end
  v = tostring(v)
  if v:find('[,"\n]') then v = '"' .. v:gsub('"', '""') .. '"' end
  return v
end

local function csv(names, rows)
  local lines = { table.concat(names, ",") .. "," ..
                  table.concat(COLUMNS, ",") }
  for _, r in ipairs(rows) do
    local cells = {}
    for _, n in ipairs(names) do cells[#cells + 1] = csv_value(r.params[n]) end
    for _, c in ipairs(COLUMNS) do cells[#cells + 1] = csv_value(r[c]) end
    lines[#lines + 1] = table.concat(cells, ",")
  end
  return table.concat(lines, "\n") .. "\n"
end

local function num(v, fmt)
  if v == nil then return "-" end
  return string.format(fmt, v)
end

-- The table on stderr: one line per row.
local function print_table(title, names, rows)
  local out = { title }
  local head = {}
  for _, n in ipairs(names) do head[#head + 1] = string.format("%8s", n) end
  out[#out + 1] = table.concat(head, " ") .. string.format(
    " %9s %9s %8s %8s %8s %8s %7s %8s  %s", "asked/s", "op/s", "p50 ms",
    "p90 ms", "p99 ms", "p99.9 ms", "errors", "cpu/op", "verdict")
  for _, r in ipairs(rows) do
    local cells = {}
    for _, n in ipairs(names) do
      cells[#cells + 1] = string.format("%8s", tostring(r.params[n]))
    end
    out[#out + 1] = table.concat(cells, " ") .. string.format(
      " %9s %9s %8s %8s %8s %8s %7s %8s  %s",
      num(r.asked_rate, "%.0f"), num(r.rate, "%.0f"),
      num(r.p50_ms, "%.3f"), num(r.p90_ms, "%.3f"), num(r.p99_ms, "%.3f"),
      num(r.p999_ms, "%.3f"), num(r.errors, "%d"),
      r.cpu_per_op_us and string.format("%.1fus", r.cpu_per_op_us) or "-",
      r.verdict or "")
  end
  io.stderr:write(table.concat(out, "\n") .. "\n")
end

local function say(kind, fmt, ...)
  io.stderr:write(kind .. ": " .. string.format(fmt, ...) .. "\n")
end

local used = {}

-- Print the rows and, with --report-dir, write sweep-NAME.csv/.json.
local function publish(kind, o, names, result)
  local name = o.name or kind
  used[name] = (used[name] or 0) + 1
  if used[name] > 1 then name = name .. "-" .. used[name] end
  result.name, result.kind = name, kind
  local title = "sweep " .. name .. ":"
  if kind == "findmax" then
    title = title .. string.format(" max %.0f op/s (%s)", result.rate,
                                   result.stopped)
  end
  print_table(title, names, result.steps)
  local doc = { name = name, kind = kind, rate = result.rate,
                stopped = result.stopped, slo = result.slo,
                window_s = result.window, settle_s = result.settle,
                params = names, rows = result.steps }
  local ok, path = pcall(core.report_sweep, name, json(doc),
                         csv(names, result.steps))
  if not ok then error(path, 0) end
  result.file = path
  return result
end

-- ------------------------------------------------------------------
-- findmax

-- The SLO: latency bounds (seconds) and an error ratio.
local function slo_of(o)
  local src = o.slo or {}
  local slo = { latency = {}, errors = 0.001 }
  for _, k in ipairs(LATENCIES) do
    local v = src[k] or o[k]
    if v ~= nil then slo.latency[#slo.latency + 1] = { k, secs(v, k) } end
  end
  if src.errors ~= nil then slo.errors = fraction(src.errors, "errors") end
  if #slo.latency == 0 then slo.latency[1] = { "p99", 0.005 } end
  return slo
end

-- Does window w at asked rate meet the SLO? ok, and a verdict.
local function judge(slo, frac, asked, w)
  if w.rate < frac * asked then
    return false, string.format("short: %.0f < %g x %.0f", w.rate, frac,
                                asked)
  end
  if w.ops > 0 and w.errors / w.ops > slo.errors then
    return false, string.format("errors %.3g%% > %.3g%%",
                                100 * w.errors / w.ops, 100 * slo.errors)
  end
  for _, b in ipairs(slo.latency) do
    local v = w[b[1]]
    if v == nil then return false, "no latencies" end
    if v > b[2] then
      return false, string.format("%s %.3fms > %.3fms", b[1], v * 1000,
                                  b[2] * 1000)
    end
  end
  return true, "ok"
end

-- Measure a window of the activity: after dur seconds, cut an interval
-- so its latest latencies are in, then read.
local function measure(h, dur)
  local cpu0 = core.cpu()
  core.window_mark(h)
  mb.sleep(dur)
  core.window_cut(h)
  mb.sleep(0.05)
  return core.window(h), core.cpu() - cpu0
end

local function round(r)
  local m = 10 ^ math.max(0, math.floor(math.log10(r)) - 2)
  return math.floor(r / m + 0.5) * m
end

function M.findmax(t)
  local o, params = split("findmax", t)
  local slo = slo_of(o)
  local window = secs(o.window or "2s", "window")
  local settle = secs(o.settle or "1s", "settle")
  local samples = count(o.samples or 2, "samples")
  local frac = fraction(o.fraction or 0.95, "fraction")
  -- 2%: the answer lands near the edge, not up to a whole step below it.
  local precision = fraction(o.precision or 0.02, "precision")
  local factor = tonumber(o.factor or 2)
  local budget = secs(o.budget or "60s", "budget")
  local to = o.to and count(o.to, "to")
  local from = o.from and count(o.from, "from")
  if window < 0.2 then error("findmax: window: expected at least 200ms", 2) end
  if not factor or factor <= 1 then
    error("findmax: factor: expected a number above 1", 2)
  end
  local t0 = core.now()
  params.rate = mb.pin(from or 1e9)
  params.duration = mb.pin("24h")
  local a = mb.start(params)
  local h = rawget(a, "handle")
  local steps, good, bad, stopped = {}, nil, nil, nil
  say("findmax", "%s, windows of %gs after %gs, %d to confirm", (function()
      local s = {}
      for _, b in ipairs(slo.latency) do
        s[#s + 1] = string.format("%s <= %gms", b[1], b[2] * 1000)
      end
      s[#s + 1] = string.format("errors <= %g%%", slo.errors * 100)
      return table.concat(s, ", ")
    end)(), window, settle, samples)
  -- No from: what the target does flat out, halved, is where to start.
  if not from then
    mb.sleep(math.min(settle, 0.5))
    local w = measure(h, math.min(window, 1))
    if w.rate < 1 then
      a:stop()
      error("findmax: the activity ran no ops flat out", 2)
    end
    from = round(w.rate / 2)
    say("findmax", "%.0f op/s flat out; from %.0f op/s", w.rate, from)
  end
  local rate = from
  while true do
    if core.ended(h) then stopped = "activity ended"; break end
    if to and rate > to then rate = to end
    if core.now() - t0 + settle + window * samples + 0.2 > budget then
      stopped = "budget"
      break
    end
    core.restart_rate(h, rate)
    mb.sleep(settle)
    -- samples windows must pass; one that misses on latency or errors
    -- (not on rate) gets one second chance: a stall of a loaded client
    -- is not the target's limit.
    local r, ok, verdict
    local passed, chance = 0, 1
    while passed < samples do
      local w, cpu = measure(h, window)
      r = row({ rate = rate }, rate, w, cpu)
      ok, verdict = judge(slo, frac, rate, w)
      if ok then
        passed = passed + 1
      elseif chance > 0 and w.rate >= frac * rate then
        chance = chance - 1
      else
        break
      end
    end
    r.ok, r.verdict = ok, verdict
    steps[#steps + 1] = r
    say("findmax", "%.0f op/s asked, %.0f achieved, p99 %s ms: %s", rate,
        r.rate, r.p99_ms and string.format("%.3f", r.p99_ms) or "-",
        verdict)
    if ok then good = rate else bad = rate end
    if ok and to and rate >= to then stopped = "to"; break end
    if bad == nil then
      rate = rate * factor
    elseif good == nil then
      rate = rate / factor
      if rate < 1 then stopped = "no rate met the SLO"; break end
    else
      if (bad - good) / good < precision then
        stopped = "precision"
        break
      end
      rate = (good + bad) / 2
    end
    rate = math.floor(rate + 0.5)
  end
  a:stop()
  pcall(a.await, a)
  local slo_out = { errors = slo.errors }
  for _, b in ipairs(slo.latency) do slo_out[b[1]] = b[2] end
  return publish("findmax", o, { "rate" }, {
    rate = good or 0, steps = steps, stopped = stopped, slo = slo_out,
    elapsed = core.now() - t0, window = window, settle = settle,
  })
end

-- ------------------------------------------------------------------
-- stepup

function M.stepup(t)
  local o, params = split("stepup", t)
  local from = count(o.from or 1000, "from")
  local to = count(o.to or from * 10, "to")
  local step = count(o.step or from, "step")
  local hold = secs(o.hold or "10s", "hold")
  local settle = secs(o.settle or 0, "settle")
  if step <= 0 or to < from then
    error("stepup: expected from <= to and step > 0", 2)
  end
  params.rate = mb.pin(from)
  params.duration = mb.pin("24h")
  local a = mb.start(params)
  local h = rawget(a, "handle")
  local steps = {}
  local rate = from
  while rate <= to + 1e-9 and not core.ended(h) do
    core.restart_rate(h, rate)
    if settle > 0 then mb.sleep(settle) end
    local w, cpu = measure(h, hold)
    local r = row({ rate = rate }, rate, w, cpu)
    steps[#steps + 1] = r
    say("stepup", "%.0f op/s asked, %.0f achieved, p99 %s ms", rate,
        r.rate, r.p99_ms and string.format("%.3f", r.p99_ms) or "-")
    rate = rate + step
  end
  a:stop()
  pcall(a.await, a)
  return publish("stepup", o, { "rate" }, { steps = steps })
end

-- ------------------------------------------------------------------
-- grid

-- params: { name = {values} } (names sorted) or { {name, {values}}, ... }
-- (in that order); the last name varies fastest.
local function axes(p)
  local list = {}
  if #p > 0 then
    for _, x in ipairs(p) do list[#list + 1] = { x[1], x[2] } end
  else
    for k, v in pairs(p) do list[#list + 1] = { k, v } end
    table.sort(list, function(x, y) return x[1] < y[1] end)
  end
  for _, x in ipairs(list) do
    if type(x[2]) ~= "table" then x[2] = { x[2] } end
  end
  return list
end

function M.grid(t)
  local o, extra = split("grid", t)
  if type(o.params) ~= "table" then
    error("sweep.grid: expected params = { name = {values}, ... }", 2)
  end
  local run = {}
  for k, v in pairs(o.run or {}) do run[k] = v end
  for k, v in pairs(extra) do run[k] = v end
  local ax = axes(o.params)
  local names = {}
  for i, x in ipairs(ax) do names[i] = x[1] end
  local steps = {}
  local function point(i, chosen)
    if i > #ax then
      local p, shown = {}, {}
      for k, v in pairs(run) do p[k] = v end
      for j, x in ipairs(ax) do
        p[x[1]] = mb.pin(chosen[j])
        shown[x[1]] = chosen[j]
      end
      local a = mb.start(p)
      local ok, err = pcall(a.await, a)
      local s = core.stats(rawget(a, "handle"))
      local r = row(shown, nil, s, s.cpu)
      r.ok, r.verdict = ok, ok and "ok" or tostring(err)
      steps[#steps + 1] = r
      return
    end
    for _, v in ipairs(ax[i][2]) do
      chosen[i] = v
      point(i + 1, chosen)
    end
  end
  point(1, {})
  return publish("grid", o, names, { steps = steps })
end

-- ------------------------------------------------------------------
-- The built-in scenarios: 'moonbench FILE findmax p99=5ms', ...; args
-- holds the command line's sweep options as text (grid: lists).

function M.builtin(name, args)
  if name == "grid" then
    local params = {}
    for _, l in ipairs(args.lists) do
      local values = {}
      for v in l[2]:gmatch("[^,]+") do values[#values + 1] = tonumber(v) or v end
      params[#params + 1] = { l[1], values }
    end
    if #params == 0 then
      error("grid: expected lists of values to sweep, like threads=1,2,4", 0)
    end
    return M.grid { params = params }
  end
  local t = {}
  for k, v in pairs(args) do
    if k ~= "lists" then t[k] = v end
  end
  if name == "findmax" then
    local slo = {}
    for _, k in ipairs(LATENCIES) do slo[k] = t[k]; t[k] = nil end
    slo.errors = t.errors
    t.errors = nil
    t.slo = slo
  end
  return M[name](t)
end

return M
