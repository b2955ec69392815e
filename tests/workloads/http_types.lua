-- tests/http.sh: one op of each kind against the test's nginx, each
-- response checked in on_result (status, headers, body).
local mb = require "moonbench"
local b  = mb.bind

local function want(cond, class)
  if not cond then return mb.fail(class) end
end

return {
  driver = "http",
  bindings = {
    page = b.hash():mod(10),
    body = b.hash():alnum(24),
  },
  blocks = {
    main = { ops = {
      -- A static file, its body known from the binding.
      { name = "get", "GET", "/page-{page}",
        on_result = function(op, r)
          return want(r.status == 200 and r.body == "page " ..
            tostring(op.bindings.page) .. " hello\n" and
            r.headers["content-length"] == tostring(#r.body), "bad-get")
        end },
      -- Chunked: sub_filter drops the length.
      { name = "chunked", "GET /sub/page-{page}",
        on_result = function(op, r)
          return want(r.headers["transfer-encoding"] == "chunked" and
            r.body == "page " .. tostring(op.bindings.page) .. " HELLO\n",
            "bad-chunked")
        end },
      { name = "missing", "/missing-{page}" },
      { name = "error", "GET", "/500" },
      -- A body and a header of ours; nginx echoes what it read.
      { name = "post", "POST", "/echo", "{body}", "X-Mb: {page}",
        on_result = function(op, r)
          return want(r.body == tostring(#op.bindings.body) .. " " ..
            tostring(op.bindings.page) .. "\n", "bad-post")
        end },
      -- No body comes, whatever Content-Length says.
      { name = "head", "HEAD", "/page-1",
        on_result = function(op, r)
          return want(r.body == "" and r.headers["content-length"] == "13",
            "bad-head")
        end },
    } },
  },
}
