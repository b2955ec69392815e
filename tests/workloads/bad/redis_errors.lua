-- Commands a Redis server answers with an error reply (docs/errors.md;
-- tests/errors_doc.sh runs them against a redis-server of its own).
return {
  driver = "redis",
  blocks = {
    main = { ops = { bad = { "NOSUCHCMD", "x" } } },
    wrongtype = { ops = {
      { name = "set", "SET", "mb-errors-doc", "text" },
      { name = "push", "LPUSH", "mb-errors-doc", "1" },
    } },
  },
}
