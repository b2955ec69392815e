-- Template text: braces that are not a {binding} are literal, {{ is a
-- literal {, and placeholders may sit inside JSON objects and arrays.
local b = require("moonbench").bind

return {
  driver = "stdout",
  bindings = { id = b.mod(100):add(40) },
  blocks = {
    main = {
      ops = {
        doc = { '{"id": {id}, "tags": {"a": [1, {id}]}, "empty": {}, '
             .. '"lit": "{{id}", "sp": "{ id }", "wrap": "{{{id}}"}' },
      },
    },
  },
}
