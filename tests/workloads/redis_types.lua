-- Every kind of Redis reply as on_result sees it, one op a cycle in order
-- (run with cycles=13 async=1). An op whose reply is not what it must be
-- fails under a class naming the check; the last two fail on purpose
-- (redis-error, unsupported-command).
local mb  = require "moonbench"
local ffi = require "ffi"

local bin = "a\0b\r\nc\255 d"

local function want(ok, class)
  if not ok then return mb.fail(class) end
end

return {
  driver = "redis",
  blocks = { main = { ops = {
    { name = "del", "DEL", "t:n", "t:l", "t:s", "t:bin",
      on_result = function(op, r)
        return want(ffi.istype("int64_t", r), "check-del")
      end },
    -- Above 2^53: exact only as an int64.
    { name = "incrby", "INCRBY", "t:n", "9007199254740993",
      on_result = function(op, r)
        return want(ffi.istype("int64_t", r) and r == 9007199254740993LL,
                    "check-int64")
      end },
    { name = "set", "SET", "t:s", "v",
      on_result = function(op, r) return want(r == "OK", "check-status") end },
    { name = "missing", "GET", "t:none",
      on_result = function(op, r) return want(r == nil, "check-nil") end },
    { name = "rpush", "RPUSH", "t:l", "a", "b",
      on_result = function(op, r) return want(r == 2, "check-rpush") end },
    { name = "lrange", "LRANGE", "t:l", "0", "-1",
      on_result = function(op, r)
        return want(type(r) == "table" and r.n == 2 and r[1] == "a" and
                    r[2] == "b", "check-array")
      end },
    { name = "mget", "MGET", "t:s", "t:none", "t:s",
      on_result = function(op, r)
        return want(r.n == 3 and r[1] == "v" and r[2] == nil and r[3] == "v",
                    "check-array-nil")
      end },
    { name = "nested", "EVAL", "return {1, {'x', {2}}}", "0",
      on_result = function(op, r)
        return want(r[1] == 1 and r[2][1] == "x" and r[2][2][1] == 2,
                    "check-nested")
      end },
    { name = "empty", "LRANGE", "t:none", "0", "-1",
      on_result = function(op, r)
        return want(type(r) == "table" and r.n == 0, "check-empty")
      end },
    -- Binary safe both ways: a NUL, CR LF and a byte above 127.
    { name = "setbin", "SET", "t:bin", bin },
    { name = "getbin", "GET", "t:bin",
      on_result = function(op, r) return want(r == bin, "check-binary") end },
    { name = "wrongtype", "INCR", "t:l" },
    { name = "subscribe", "SUBSCRIBE", "t:channel" },
  } } },
}
