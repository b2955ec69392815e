-- tests/sweep.sh: one diag op, no scenarios, so the built-in sweeps
-- (findmax, stepup, grid) run its main block; capacity= and delay= come
-- from the command line.
return {
  driver = "diag",
  blocks = { main = { ops = { op = { "op" } } } },
}
