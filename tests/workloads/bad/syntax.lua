return {
  driver = "stdout",
  blocks = { main = { ops = { x = "a" } } }
  description = "missing comma above"
}
