-- Two blocks, neither called main: block=NAME must choose.
return {
  driver = "stdout",
  blocks = { rampup = { ops = { w = "W" } }, load = { ops = { r = "R" } } },
}
